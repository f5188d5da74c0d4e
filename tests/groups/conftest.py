"""A DBT skills group session naming every member, and a fresh group for EHR writes."""

from __future__ import annotations

import pytest

# The sandbox's "DBT skills group" (group-dbt-skills): bh-001 Maya Thompson and bh-004
# Priya Nair are on Mei Chen's caseload; bh-007 Sofia Alvarez is Samuel Okafor's client.
DBT_GROUP = "group-dbt-skills"
SHARED = (
    "Today the group is learning the TIPP skill for distress tolerance.",
    "TIPP stands for temperature, intense exercise, paced breathing and paired muscle relaxation.",
)
TRANSCRIPT = f"""Therapist: Welcome back, everyone. {SHARED[0]}
Therapist: {SHARED[1]}
Maya: I tried cold water on my face when I panicked at work on Tuesday, and it helped.
Therapist: Maya, that is a great use of the skill. Priya, how was your week?
Priya: Honestly awful. My ex called about the house and I could not sleep for three nights.
Therapist: That sounds really hard for you. Everyone, let's practice paced breathing together.
Sofia: I felt dizzy during the breathing but it got easier. I agree with Maya that cold water works.
Maya: Sofia is right, the breathing was hard at first. I will practice it every morning.
Therapist: Ms. Alvarez, please stay after group. Mrs. Nair gave her MRN BH100348 at intake.
Therapist: For homework, everyone will log one TIPP practice a day. We meet again next Thursday.
"""
OWN = {
    "bh-001": "panicked at work on Tuesday",
    "bh-004": "could not sleep for",  # "three nights" is written "3 nights"
    "bh-007": "dizzy",
}
# Every recorded form of each member the notes must not name, read from the seed.
FORMS = {
    "bh-001": ("Maya", "Thompson", "bh-001", "BH100237"),
    "bh-004": ("Priya", "Nair", "bh-004", "BH100348"),
    "bh-007": ("Sofia", "Alvarez", "bh-007", "BH100459"),
}


def foreign_forms(client_id: str) -> list[str]:
    """Names, ids and MRNs of every other member of the DBT group."""
    return [form for member, forms in FORMS.items() if member != client_id for form in forms]


def patient(given: str, family: str, mrn: str) -> dict:
    return {
        "resourceType": "Patient",
        "name": [{"use": "official", "given": [given], "family": family}],
        "identifier": [
            {
                "type": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                    ]
                },
                "value": mrn,
            }
        ],
    }


@pytest.fixture
def fresh_group(sandbox_control) -> dict:
    """A new therapy group in the sandbox (see create_group)."""
    return create_group(sandbox_control)


def create_group(sandbox_control) -> dict:
    """A new therapy group in the sandbox, so tests that write notes touch no shared chart:
    two members on Mei Chen's caseload and one on Samuel Okafor's. Returns ids by role."""
    from tests.conftest import care_team

    people = [
        ("Ruth", "Abara", "MR-501"),
        ("Tomas", "Lindqvist", "MR-502"),
        ("Ines", "Duarte", "MR-503"),
    ]
    ids = [sandbox_control.create(patient(*p))["id"] for p in people]
    for client_id, practitioner in zip(ids, ["pr-chen", "pr-chen", "pr-okafor"], strict=True):
        sandbox_control.create(care_team(client_id, practitioner))
    group = sandbox_control.create(
        {
            "resourceType": "Group",
            "type": "person",
            "actual": True,
            "name": "Thursday skills group",
            "managingEntity": {"reference": "Practitioner/pr-chen", "display": "Mei Chen"},
            "member": [{"entity": {"reference": f"Patient/{i}"}} for i in ids],
        }
    )
    return {"group": group["id"], "ruth": ids[0], "tomas": ids[1], "ines": ids[2]}
