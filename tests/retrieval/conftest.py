"""Retrieval fixtures: a fresh Chroma folder per test, and charts written into the sandbox."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest


@pytest.fixture(autouse=True)
def _own_chroma(chroma):
    """Every retrieval test indexes into its own empty embedded Chroma folder."""
    return chroma


def note(client_id: str, text: str, *, day: int = 1, title: str = "Progress note") -> dict:
    """A final progress note (DocumentReference) for `client_id` with a text/plain body."""
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3"}], "text": title},
        "subject": {"reference": f"Patient/{client_id}"},
        "date": datetime(2025, 3, day, 15, tzinfo=UTC).isoformat(),
        "author": [{"reference": "Practitioner/pr-chen", "display": "Mei Chen"}],
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(text.encode()).decode(),
                }
            }
        ],
    }


def condition(client_id: str, display: str, code: str) -> dict:
    return {
        "resourceType": "Condition",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {
            "coding": [
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code, "display": display}
            ]
        },
        "subject": {"reference": f"Patient/{client_id}"},
    }
