"""The `llm` variant of a summary (DRAFT_ENGINE=llm): a chat model writes a summary's
narrative sections from the facts its offline engine extracted; every other section
stays exactly as the offline engine wrote it.

`NarrativeLlm` takes the offline sections (DraftedSection, in template order), sends
the facts of the `generated` sections (adjacent in the template) and the clinician's
notes in the summary's versioned prompt (prompts/<version>.txt, with the placeholders
{sections}, {facts} and {input}), de-identified by copilot.drafting.engines.protect,
and streams the reply into those sections (SectionSplitter). Each generated sentence
is linked back (copilot.drafting.grounded.link_sources) to the clinician's notes or to
the fact it rests on, which it then cites; a sentence nothing supports is flagged.
Subclasses: copilot.summaries.intake_llm.IntakeLlmEngine,
copilot.summaries.discharge.DischargeLlmEngine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

from copilot.deid import Withheld
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

PROMPTS = Path(__file__).with_name("prompts")


class NarrativeLlm:
    """The model's side of a summary engine. `generated`: the keys of the sections the
    model writes; `prompt_version`: the prompt file's name (also the engine version).
    `llm` defaults to get_llm() (the seam tests patch); `timeout` (seconds) bounds the
    wait for each chunk. `outbound` keeps what was sent (copilot.deid.Outbound) for the
    ledger."""

    generated: tuple[str, ...] = ()
    prompt_version: str = ""

    def _init_llm(self, llm=None, timeout: float | None = None) -> None:
        self.llm = llm if llm is not None else engines.get_llm()
        self.timeout = timeout if timeout is not None else settings.LLM_TIMEOUT_SECONDS
        self.outbound = None
        model = getattr(self.llm, "model_name", None) or getattr(self.llm, "model", None) or ""
        self.info = EngineInfo(
            name="llm",
            version=self.prompt_version,
            model=f"{settings.LLM_PROVIDER}:{model}".strip(":"),
        )

    async def narrate(
        self,
        request: DraftRequest,
        offline: Sequence[DraftedSection],
        withheld: Sequence[Withheld] = (),
    ) -> AsyncIterator[EngineEvent]:
        """The offline sections before the generated ones, the model's sections, then
        the rest. Raises EngineError when the model fails or leaves a section out."""
        sections = {s.key: s for s in offline}
        self.outbound = await protect(
            self.build_prompt(request, sections),
            chart=request.chart,
            clinician=request.clinician,
            withheld=withheld,
        )
        keys = [section.key for section in offline]
        first, last = keys.index(self.generated[0]), keys.index(self.generated[-1])
        for section in offline[:first]:
            yield SectionStarted(section.key, section.title)
            yield SectionCompleted(section)
        splitter = SectionSplitter(list(self.generated))
        async for chunk in stream_text(self.llm, self.outbound, chunk_seconds=self.timeout):
            for event in splitter.feed(chunk):
                yield await self._event(event, request, sections)
        for event in splitter.close():
            yield await self._event(event, request, sections)
        if splitter.missing:
            raise EngineError(f"The AI model left out: {', '.join(splitter.missing)}.")
        for section in offline[last + 1 :]:
            yield SectionStarted(section.key, section.title)
            yield SectionCompleted(section)

    def build_prompt(self, request: DraftRequest, sections: dict[str, DraftedSection]) -> str:
        """The versioned prompt with the generated sections' keys and what they hold, their
        offline sentences (facts and placeholders) and the clinician's notes."""
        template = request.template
        keys = "\n".join(
            f"## {k} ({template.section(k).title}): {template.section(k).holds}"
            for k in self.generated
        )
        facts = "\n".join(
            f"{k}:\n" + "\n".join(f"- {s.text}" for s in sections[k].sentences)
            for k in self.generated
        )
        prompt = (PROMPTS / f"{self.prompt_version}.txt").read_text(encoding="utf-8")
        return prompt.format(sections=keys, facts=facts, input=request.text or "(none)")

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


def link_to_facts(
    text: str, request: DraftRequest, facts: list[DraftSentence]
) -> tuple[DraftSentence, ...]:
    """`text` as sentences linked to the clinician's notes (spans of `request.text`) or
    to the facts, a sentence resting on a fact citing that fact's sources
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
