"""Drafting a summary straight through its engine, against the sandbox's charts."""

from __future__ import annotations

import pytest

from copilot.drafting.templates import get_template
from copilot.drafting.types import DraftRequest, SectionCompleted
from copilot.summaries.discharge import DischargeEngine
from copilot.summaries.referral import ReferralEngine, referral_text

ENGINES = {"discharge": DischargeEngine, "referral": ReferralEngine}
# Every identifying form of the behavioral-health clients, from the seed.
CLIENT_FORMS = {
    "bh-001": ("Maya", "Thompson", "BH100237"),
    "bh-006": ("Robert", "Hayes"),
    "bh-008": ("Daniel", "Kim"),
}


async def summarize(gateway, client_id: str, key: str, text: str = "") -> dict:
    """Section key → DraftedSection of one summary drafted by its engine for `client_id`."""
    template = get_template(key)
    chart = await gateway.chart(client_id)
    request = DraftRequest(template, text, chart, "notes", clinician="Mei Chen")
    events = [event async for event in ENGINES[key](gateway).stream(request)]
    return {e.section.key: e.section for e in events if isinstance(e, SectionCompleted)}


async def refer(gateway, client_id: str, items, *, deidentify=False, notes="") -> dict:
    return await summarize(gateway, client_id, "referral", referral_text(items, deidentify, notes))


def text_of(sections: dict) -> str:
    return "\n".join(s.text for s in sections.values())


def references(sections: dict) -> set[str]:
    return {
        source.reference
        for section in sections.values()
        for sentence in section.sentences
        for source in sentence.sources
        if source.reference
    }


@pytest.fixture
def named_client(sandbox_control) -> str:
    """A fresh client with a name and birth date, two therapy sessions and two PHQ-9s,
    on Mei Chen's caseload."""
    from tests.conftest import care_team

    patient = sandbox_control.create(
        {
            "resourceType": "Patient",
            "name": [{"given": ["Rosalind"], "family": "Quigley"}],
            "birthDate": "1979-03-14",
        }
    )
    pid = patient["id"]
    sandbox_control.create(care_team(pid, "pr-chen"))
    for day, total in (("2026-01-05", 16), ("2026-03-02", 7)):
        sandbox_control.create(
            {
                "resourceType": "Encounter",
                "status": "finished",
                "class": {"code": "AMB"},
                "type": [
                    {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "90834"}]}
                ],
                "subject": {"reference": f"Patient/{pid}"},
                "period": {"start": f"{day}T15:00:00Z", "end": f"{day}T15:45:00Z"},
            }
        )
        sandbox_control.create(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
                "subject": {"reference": f"Patient/{pid}"},
                "effectiveDateTime": f"{day}T15:50:00Z",
                "valueQuantity": {"value": total},
            }
        )
    return pid
