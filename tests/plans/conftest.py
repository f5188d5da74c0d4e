"""A fresh client with a treatment plan, so tests that write the plan touch no shared chart."""

from __future__ import annotations

import base64
import json
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

LOINC = "http://loinc.org"
GOALS = (
    # (description, achievement, PHQ-9 target?)
    ("Reduce PHQ-9 total below 10", "improving", True),
    ("Sleep at least 7 hours on 5 of 7 nights", "in-progress", False),
    ("Join a community choir rehearsal twice a month", "in-progress", False),
)
NOTES = (
    (80, "S: Client reported sleeping about 5 hours most nights. P: Sleep diary assigned."),
    (45, "S: Client said sleep improved to 6 hours on most nights after the wind-down routine."),
    (12, "S: Client slept 7 hours on 5 nights this week. P: Continue the wind-down routine."),
)
PHQ9 = ((100, 16), (60, 12), (10, 8))


def fhir_get(base_url: str, query: str) -> dict:
    """GET a FHIR URL of the sandbox as JSON."""
    with urllib.request.urlopen(f"{base_url}/{query}", timeout=10) as response:
        return json.load(response)


def history(base_url: str, reference: str) -> list[dict]:
    """Every version of a resource, newest first."""
    bundle = fhir_get(base_url, f"{reference}/_history")
    return [entry["resource"] for entry in bundle.get("entry") or []]


def _goal(client_id: str, description: str, achievement: str, measured: bool, start: str):
    target = {"dueDate": (datetime.now(tz=UTC) + timedelta(days=30)).date().isoformat()}
    if measured:
        target |= {
            "measure": {"coding": [{"system": LOINC, "code": "44261-6"}]},
            "detailQuantity": {"value": 10, "comparator": "<", "unit": "{score}"},
        }
    return {
        "resourceType": "Goal",
        "lifecycleStatus": "active",
        "achievementStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": achievement,
                }
            ]
        },
        "description": {"text": description},
        "subject": {"reference": f"Patient/{client_id}"},
        "startDate": start,
        "target": [target],
    }


def create_plan_client(sandbox_control, *, name=("Jordan", "Lee"), plan_age_days=120) -> dict:
    """A new Patient on Mei Chen's caseload with an active CarePlan of three Goals (a PHQ-9
    goal, a sleep goal the notes mention, a choir goal nobody mentions), three progress
    notes and PHQ-9 16 → 12 → 8 inside the plan's window. Returns ids by role."""
    from tests.conftest import care_team

    now = datetime.now(tz=UTC)
    start = (now - timedelta(days=plan_age_days)).date().isoformat()
    patient = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": [name[0]], "family": name[1]}]}
    )
    client_id = patient["id"]
    sandbox_control.create(care_team(client_id, "pr-chen"))
    goals = [sandbox_control.create(_goal(client_id, *g, start)) for g in GOALS]
    plan = sandbox_control.create(
        {
            "resourceType": "CarePlan",
            "status": "active",
            "intent": "plan",
            "title": f"Treatment plan for {name[0]} {name[1]}",
            "subject": {"reference": f"Patient/{client_id}"},
            "period": {"start": start},
            "goal": [{"reference": f"Goal/{g['id']}"} for g in goals],
        }
    )
    notes = [sandbox_control.create(_note(client_id, days, text)) for days, text in NOTES]
    scores = [sandbox_control.create(_phq9(client_id, days, total)) for days, total in PHQ9]
    return {
        "client": client_id,
        "plan": plan["id"],
        "goals": [g["id"] for g in goals],
        "notes": [n["id"] for n in notes],
        "scores": [o["id"] for o in scores],
    }


def _note(client_id: str, days_ago: int, text: str) -> dict:
    when = (datetime.now(tz=UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [{"system": LOINC, "code": "11506-3"}], "text": "Progress note"},
        "subject": {"reference": f"Patient/{client_id}"},
        "date": when,
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


def _phq9(client_id: str, days_ago: int, total: int) -> dict:
    when = (datetime.now(tz=UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "44261-6"}]},
        "subject": {"reference": f"Patient/{client_id}"},
        "effectiveDateTime": when,
        "valueQuantity": {"value": total},
    }


@pytest.fixture
def plan_client(sandbox_control) -> dict:
    """A fresh client with a treatment plan (see create_plan_client)."""
    return create_plan_client(sandbox_control)
