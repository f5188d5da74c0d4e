"""Inbox fixtures: a clinician of their own (a new Practitioner in the sandbox) with a
new client on their CareTeam, so the messages a test writes reach no other test's
inbox; and helpers that write Communications and Appointments as an EHR would."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import care_team
from tests.factories import ClinicianFactory


@dataclass
class World:
    clinician: object  # the User
    practitioner_id: str
    client_id: str
    control: object

    def message(self, text: str, *, minutes_ago: int = 10) -> str:
        """A secure message from the client to the clinician; returns its id."""
        sent = datetime.now(tz=UTC) - timedelta(minutes=minutes_ago)
        created = self.control.create(
            {
                "resourceType": "Communication",
                "status": "in-progress",
                "sender": {"reference": f"Patient/{self.client_id}"},
                "recipient": [{"reference": f"Practitioner/{self.practitioner_id}"}],
                "subject": {"reference": f"Patient/{self.client_id}"},
                "sent": sent.isoformat(timespec="seconds"),
                "payload": [{"contentString": text}],
            }
        )
        return created["id"]

    def appointment(self, start: datetime, status: str = "booked", **extra) -> str:
        created = self.control.create(
            {
                "resourceType": "Appointment",
                "status": status,
                "start": start.isoformat(timespec="seconds"),
                "end": (start + timedelta(minutes=50)).isoformat(timespec="seconds"),
                "serviceType": [{"text": "Psychotherapy"}],
                "participant": [
                    {"actor": {"reference": f"Patient/{self.client_id}"}, "status": "accepted"},
                    {
                        "actor": {"reference": f"Practitioner/{self.practitioner_id}"},
                        "status": "accepted",
                    },
                ],
                **extra,
            }
        )
        return created["id"]


@pytest.fixture
def world(sandbox_control, ehr, db) -> World:
    practitioner = sandbox_control.create(
        {"resourceType": "Practitioner", "name": [{"given": ["Rosa"], "family": "Quill"}]}
    )
    patient = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": ["Jordan"], "family": "Lee"}]}
    )
    sandbox_control.create(care_team(patient["id"], practitioner["id"]))
    user = ClinicianFactory(practitioner_id=practitioner["id"], display_name="Rosa Quill").user
    return World(user, practitioner["id"], patient["id"], sandbox_control)


def fhir_search(base_url: str, query: str) -> list[dict]:
    with urllib.request.urlopen(f"{base_url}/{query}", timeout=10) as response:
        bundle = json.load(response)
    return [entry["resource"] for entry in bundle.get("entry", [])]
