"""The `llm` variant of the intake assessment (DRAFT_ENGINE=llm).

A chat model writes the narrative sections, Presenting problem and History, from the
facts the offline IntakeEngine extracted (prompt prompts/intake_v1.txt, de-identified,
copilot.summaries.narrative). Risk and safety, Scores and Initial impressions stay
exactly as the offline engine writes them: quoted risk answers with their linkIds,
computed scores, placeholders. A Part 2 intake is withheld: no sentence of it may
reach the model.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async

from copilot.deid import Withheld
from copilot.deid.policy import PART2
from copilot.drafting.engines import EngineError
from copilot.drafting.types import DraftRequest, EngineEvent
from copilot.ehr import ChartGateway
from copilot.ehr.intake import Intake

from .intake import NO_INTAKE, IntakeEngine, compose
from .narrative import NarrativeLlm


class IntakeLlmEngine(NarrativeLlm, IntakeEngine):
    """IntakeEngine whose Presenting problem and History a chat model writes. `llm`
    defaults to get_llm(); `timeout` (seconds) bounds the wait for each chunk."""

    generated = ("presenting", "history")
    prompt_version = "intake_v1"

    def __init__(
        self, llm=None, *, gateway: ChartGateway | None = None, timeout: float | None = None
    ) -> None:
        IntakeEngine.__init__(self, gateway)
        self._init_llm(llm, timeout)

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        found = await self.intake(request.chart.client.id)
        if found is None:
            raise EngineError(NO_INTAKE)
        offline = await sync_to_async(compose, thread_sensitive=False)(request, found)
        withheld = (
            (Withheld(found.source, PART2, _answers_text(found)),) if found.restricted else ()
        )
        async for event in self.narrate(request, offline, withheld):
            yield event


def _answers_text(intake: Intake) -> str:
    return "\n".join(f"{a.question}: {a.text}" for a in intake.answers)
