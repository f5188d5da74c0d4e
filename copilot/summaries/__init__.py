"""Document-type summaries drafted from the whole chart (discharge, referral, intake …).

Each summary template (copilot/drafting/templates.json) has its own engine, a
DraftEngine that reads what it needs through the EHR gateway and yields the same
EngineEvents as the progress-note engines, so review, risk acknowledgement, Approve,
co-signature, the ledger and the write-once DocumentReference work unchanged.
`engine_for(template)` is how every drafting path picks the engine of a template.
"""

from __future__ import annotations

from collections.abc import Callable

from copilot.drafting.engines import DraftEngine, get_engine
from copilot.drafting.templates import NoteTemplate


def _discharge() -> DraftEngine:
    from .discharge import discharge_engine

    return discharge_engine()


def _referral() -> DraftEngine:
    from .referral import ReferralEngine

    return ReferralEngine()


def _intake() -> DraftEngine:
    from .intake import intake_engine

    return intake_engine()


# Template key → factory of its summary engine.
SUMMARY_ENGINES: dict[str, Callable[[], DraftEngine]] = {
    "discharge": _discharge,
    "referral": _referral,
    "intake": _intake,
}
# The summaries drafted from the sidebar's Summaries tab; the others (intake) are chosen
# in the draft form like a progress note.
SUMMARY_TABS = ("discharge", "referral")


def engine_for(template: NoteTemplate) -> DraftEngine:
    """The summary engine registered for `template.key`, else the configured drafting
    engine (copilot.drafting.engines.get_engine; raises EngineError as it does)."""
    factory = SUMMARY_ENGINES.get(template.key)
    return factory() if factory is not None else get_engine()
