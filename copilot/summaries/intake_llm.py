"""The `llm` variant of the intake assessment (DRAFT_ENGINE=llm).

A chat model (copilot.drafting.engines.get_llm) writes the narrative sections,
Presenting problem and History, from the facts the offline IntakeEngine extracted
(prompt prompts/intake_v1.txt, de-identified by copilot.drafting.engines.protect) and
the clinician's notes; its tokens stream into those sections (SectionSplitter). Risk
and safety, Scores and Initial impressions stay exactly as the offline engine writes
them: quoted risk answers with their linkIds, computed scores, placeholders. Each
generated sentence is linked back (copilot.drafting.grounded.link_sources) to the
clinician's notes or to the intake fact it rests on, which it then cites; a sentence
nothing supports is flagged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

from copilot.deid import Withheld
from copilot.deid.policy import PART2
from copilot.drafting import engines
from copilot.drafting.engines import EngineError, SectionSplitter, protect, stream_text
from copilot.drafting.grounded import link_sources
from copilot.drafting.types import (
    DraftedSection,
    DraftRequest,
    DraftSentence,
    EngineEvent,
    EngineInfo,
    SectionCompleted,
    SectionStarted,
    SectionToken,
    Source,
)
from copilot.ehr import ChartGateway
from copilot.ehr.intake import Intake

from .intake import NO_INTAKE, IntakeEngine, compose

PROMPT_VERSION = "intake_v1"
PROMPT = Path(__file__).with_name("prompts") / f"{PROMPT_VERSION}.txt"
GENERATED = ("presenting", "history")  # the sections the model writes


class IntakeLlmEngine(IntakeEngine):
    """IntakeEngine whose Presenting problem and History a chat model writes. `llm`
    defaults to get_llm(); `timeout` (seconds) bounds the wait for each chunk."""

    def __init__(
        self, llm=None, *, gateway: ChartGateway | None = None, timeout: float | None = None
    ) -> None:
        super().__init__(gateway)
        self.llm = llm if llm is not None else engines.get_llm()  # the seam tests patch
        self.timeout = timeout if timeout is not None else settings.LLM_TIMEOUT_SECONDS
        self.outbound = None  # what was sent (copilot.deid.Outbound), for the ledger
        model = getattr(self.llm, "model_name", None) or getattr(self.llm, "model", None) or ""
        self.info = EngineInfo(
            name="llm", version=PROMPT_VERSION, model=f"{settings.LLM_PROVIDER}:{model}".strip(":")
        )

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        found = await self.intake(request.chart.client.id)
        if found is None:
            raise EngineError(NO_INTAKE)
        offline = await sync_to_async(compose, thread_sensitive=False)(request, found)
        sections = {s.key: s for s in offline}
        withheld = (
            (Withheld(found.source, PART2, _answers_text(found)),) if found.restricted else ()
        )
        self.outbound = await protect(
            build_prompt(request, sections),
            chart=request.chart,
            clinician=request.clinician,
            withheld=withheld,
        )
        keys = [section.key for section in offline]  # GENERATED are adjacent in the template
        first, last = keys.index(GENERATED[0]), keys.index(GENERATED[-1])
        for section in offline[:first]:
            yield SectionStarted(section.key, section.title)
            yield SectionCompleted(section)
        async for event in self._generated(request, sections):
            yield event
        for section in offline[last + 1 :]:
            yield SectionStarted(section.key, section.title)
            yield SectionCompleted(section)

    async def _generated(
        self, request: DraftRequest, sections: dict[str, DraftedSection]
    ) -> AsyncIterator[EngineEvent]:
        splitter = SectionSplitter(list(GENERATED))
        async for chunk in stream_text(self.llm, self.outbound, chunk_seconds=self.timeout):
            for event in splitter.feed(chunk):
                yield await self._event(event, request, sections)
        for event in splitter.close():
            yield await self._event(event, request, sections)
        if splitter.missing:
            raise EngineError(f"The AI model left out: {', '.join(splitter.missing)}.")

    async def _event(
        self, event: tuple, request: DraftRequest, sections: dict[str, DraftedSection]
    ) -> EngineEvent:
        kind, key = event[0], event[1]
        title = sections[key].title
        if kind == "start":
            return SectionStarted(key, title)
        if kind == "token":
            return SectionToken(key, event[2])
        facts = [s for s in sections[key].sentences if not s.placeholder]
        linked = await sync_to_async(link_to_facts, thread_sensitive=False)(
            event[2].strip(), request, facts
        )
        return SectionCompleted(DraftedSection(key, title, linked))


def build_prompt(request: DraftRequest, sections: dict[str, DraftedSection]) -> str:
    """The versioned intake prompt with the offline engine's Presenting problem and
    History (facts and placeholders) and the clinician's notes."""
    template = request.template
    keys = "\n".join(
        f"## {k} ({template.section(k).title}): {template.section(k).holds}" for k in GENERATED
    )
    facts = "\n".join(
        f"{k}:\n" + "\n".join(f"- {s.text}" for s in sections[k].sentences) for k in GENERATED
    )
    return PROMPT.read_text(encoding="utf-8").format(
        sections=keys, facts=facts, input=request.text or "(none)"
    )


def link_to_facts(
    text: str, request: DraftRequest, facts: list[DraftSentence]
) -> tuple[DraftSentence, ...]:
    """`text` as sentences linked to the clinician's notes (spans of `request.text`) or
    to the intake facts, a sentence resting on a fact citing that fact's sources
    (grounded.link_sources over the notes followed by the facts, spans past the notes
    mapped back to the fact they fall in)."""
    body, spans = request.text + "\n\n", []
    for fact in facts:
        spans.append((len(body), len(body) + len(fact.text), fact.sources))
        body += fact.text + "\n"
    linked = link_sources(text, replace(request, text=body))
    limit = len(request.text)
    return tuple(
        replace(s, sources=_mapped(s.sources, limit, spans)) if s.sources else s for s in linked
    )


def _mapped(sources: tuple[Source, ...], limit: int, spans: list) -> tuple[Source, ...]:
    mapped: list[Source] = []
    for source in sources:
        if source.reference is not None or (source.start or 0) < limit:
            mapped.append(source)
            continue
        mapped += [s for start, end, cited in spans if start <= source.start < end for s in cited]
    return tuple(dict.fromkeys(mapped))


def _answers_text(intake: Intake) -> str:
    return "\n".join(f"{a.question}: {a.text}" for a in intake.answers)
