"""Drafting a summary straight through its engine, against the sandbox's charts."""

from __future__ import annotations

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
