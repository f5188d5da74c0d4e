"""Document-type summaries (intake, discharge, referral): drafting engines that read
what they need from the chart through the EHR gateway and yield the same EngineEvents
as the progress-note engines, so review, risk acknowledgement, Approve, co-signature,
the ledger and the write-once DocumentReference work unchanged.

`SUMMARY_ENGINES` maps a template key to the factory of its engine; `engine_for`
picks the engine for a draft of a template.
"""

from __future__ import annotations

from collections.abc import Callable

from copilot.drafting.engines import DraftEngine, get_engine
from copilot.drafting.templates import NoteTemplate

from .intake import intake_engine

SUMMARY_ENGINES: dict[str, Callable[[], DraftEngine]] = {
    "intake": intake_engine,
}


def engine_for(template: NoteTemplate) -> DraftEngine:
    """The registered summary engine for `template.key` (a new one per draft), else the
    progress-note engine of settings.DRAFT_ENGINE (copilot.drafting.engines.get_engine).
    Raises EngineError as get_engine does."""
    factory = SUMMARY_ENGINES.get(template.key)
    return factory() if factory is not None else get_engine()
