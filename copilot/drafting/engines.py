"""Drafting engines: `grounded` (default; offline, deterministic) and `llm` (LangChain).

Both take a DraftRequest and yield EngineEvents: SectionStarted, then (llm only)
SectionTokens as the model streams, then SectionCompleted with the section's
sentences and their sources. `get_engine()` picks the engine named in settings;
`get_llm()` builds the chat model named in settings and is the seam tests replace
with LangChain's fake chat models.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from functools import cache
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

from copilot.deid import Outbound, PolicyError, outbound, withheld_from_chart, withhold

from .types import (
    DraftedSection,
    DraftRequest,
    EngineEvent,
    EngineInfo,
    SectionCompleted,
    SectionStarted,
    SectionToken,
)

PROMPT_VERSION = "progress_note_v2"
PROMPTS = Path(__file__).with_name("prompts")


class EngineError(Exception):
    """The engine could not finish the draft; `message` is safe to show the clinician."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DraftEngine(ABC):
    info: EngineInfo

    @abstractmethod
    def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        """Events of one draft, sections in template order. Raises EngineError."""

    async def prepare(self, request: DraftRequest) -> None:
        """Read what the engine needs beyond the request before a draft is created, so
        that a draft it cannot write fails at once with a message for the clinician
        (EngineError; copilot.ehr.EhrError when the EHR cannot tell). Default: nothing."""
        return None

    async def risk_findings(self, request: DraftRequest) -> list:
        """Risk findings (copilot.drafting.risk.RiskFinding) in what the engine reads
        beyond the input and the chart, which review.generation scans anyway (e.g. an
        intake questionnaire's answers). Default: none."""
        return []


class GroundedEngine(DraftEngine):
    """Sorts the clinician's own sentences into the template; see copilot.drafting.grounded."""

    def __init__(self) -> None:
        from . import grounded

        self._sections = grounded.iter_sections
        self.info = EngineInfo(name=grounded.ENGINE_NAME, version=grounded.ENGINE_VERSION)

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        # Drafting is CPU work (embeddings): off the event loop, one section at a time,
        # so each section leaves as soon as it is composed.
        sections = self._sections(request)
        step = sync_to_async(next, thread_sensitive=False)
        while (section := await step(sections, None)) is not None:
            yield SectionStarted(section.key, section.title)
            yield SectionCompleted(section)
            await asyncio.sleep(0)


class SectionSplitter:
    """Splits a model's streamed text into sections at lines "## <section key>".

    `feed(chunk)` returns events as soon as they are certain: ("start", key),
    ("token", key, text), ("end", key, full_text). Text is passed on immediately,
    except a line that may still turn out to be a header (it starts with "#"), which
    is held until its newline. Text before the first header is dropped.
    """

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.current: str | None = None
        self.texts: dict[str, str] = {}
        self.pending = ""
        self.at_line_start = True

    def feed(self, chunk: str) -> list[tuple]:
        self.pending += chunk
        events: list[tuple] = []
        while self.pending:
            newline = self.pending.find("\n")
            if self.at_line_start and self.pending.lstrip(" ").startswith("#"):
                if newline < 0:
                    break  # a possible header: wait for the rest of the line
                line, self.pending = self.pending[:newline], self.pending[newline + 1 :]
                key = self._header_key(line)
                events += self._start(key) if key else self._text(line + "\n")
                continue
            piece = self.pending if newline < 0 else self.pending[: newline + 1]
            self.pending = self.pending[len(piece) :]
            self.at_line_start = piece.endswith("\n")
            events += self._text(piece)
        return events

    def close(self) -> list[tuple]:
        events = self._text(self.pending) if self.pending else []
        self.pending = ""
        if self.current:
            events.append(("end", self.current, self.texts[self.current]))
        return events

    @property
    def missing(self) -> list[str]:
        return [key for key in self.keys if key not in self.texts]

    def _header_key(self, line: str) -> str | None:
        key = line.strip().lstrip("#").strip().lower()
        return key if key in self.keys and key not in self.texts else None

    def _start(self, key: str) -> list[tuple]:
        events = [("end", self.current, self.texts[self.current])] if self.current else []
        self.current, self.texts[key], self.at_line_start = key, "", True
        return [*events, ("start", key)]

    def _text(self, text: str) -> list[tuple]:
        if self.current is None or not text:
            return []
        self.texts[self.current] += text
        return [("token", self.current, text)]


class LlmEngine(DraftEngine):
    """Asks a LangChain chat model for the note and streams its tokens per section.

    The prompt (versioned file in prompts/) asks for each section after a line
    "## <key>". Each finished section is source-linked to the input and the chart;
    a sentence with no support is marked unsupported. `timeout` (seconds) bounds the
    wait for each streamed chunk; provider retries are the model's (LLM_MAX_RETRIES).
    """

    def __init__(self, llm=None, *, timeout: float | None = None) -> None:
        self.llm = llm if llm is not None else get_llm()
        self.outbound = None  # the last payload sent (copilot.deid.Outbound), for the ledger
        self.timeout = timeout if timeout is not None else settings.LLM_TIMEOUT_SECONDS
        model = getattr(self.llm, "model_name", None) or getattr(self.llm, "model", None) or ""
        self.info = EngineInfo(
            name="llm", version=PROMPT_VERSION, model=f"{settings.LLM_PROVIDER}:{model}".strip(":")
        )

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        sections = {s.key: s for s in request.template.sections}
        splitter = SectionSplitter(list(sections))
        self.outbound = await protect(
            build_prompt(request), chart=request.chart, clinician=request.clinician
        )
        async for chunk in stream_text(self.llm, self.outbound, chunk_seconds=self.timeout):
            for event in splitter.feed(chunk):
                yield await self._event(event, sections, request)
        for event in splitter.close():
            yield await self._event(event, sections, request)
        if splitter.missing:
            raise EngineError(f"The AI model left out: {', '.join(splitter.missing)}.")

    async def _event(self, event: tuple, sections: dict, request: DraftRequest) -> EngineEvent:
        from .grounded import link_sources

        kind, key = event[0], event[1]
        if kind == "start":
            return SectionStarted(key, sections[key].title)
        if kind == "token":
            return SectionToken(key, event[2])
        sentences = await sync_to_async(link_sources, thread_sensitive=False)(
            event[2].strip(), request
        )
        return SectionCompleted(DraftedSection(key, sections[key].title, tuple(sentences)))


async def protect(
    prompt: str,
    *,
    chart=None,
    clinician: str | None = None,
    withheld: Sequence = (),
    allowed: Sequence[str] = (),
) -> Outbound:
    """`prompt` made ready to send (copilot.deid.outbound, run off the event loop): the
    withheld-content policy checked, de-identified for an external provider. The
    chart's labeled entries count as withheld, its other notes as `allowed` text.
    Raises EngineError with the policy's message when the prompt quotes withheld content."""
    if chart is not None:
        kept_notes, _ = withhold(chart.notes)
        withheld = (*withheld, *withheld_from_chart(chart))
        allowed = (*allowed, *(n.text for n in kept_notes))
    try:
        return await sync_to_async(outbound, thread_sensitive=False)(
            prompt, chart=chart, clinician=clinician, withheld=withheld, allowed=allowed
        )
    except PolicyError as exc:
        raise EngineError(exc.message) from exc


async def stream_text(llm, prompt: Outbound, *, chunk_seconds: float) -> AsyncIterator[str]:
    """A LangChain chat model's reply to `prompt.payload`, re-identified (placeholders
    mapped back to the chart's words), chunk by chunk as it streams. The only place a
    prompt goes to a model: it takes an Outbound, so nothing unprotected is sent.
    `chunk_seconds` bounds the wait for each chunk. Raises EngineError, with a message
    for the clinician, when the model stalls or its provider fails."""
    reidentifier = prompt.reidentifier()
    stream = aiter(llm.astream(prompt.payload))
    while True:
        try:
            chunk = await asyncio.wait_for(anext(stream), timeout=chunk_seconds)
        except StopAsyncIteration:
            break
        except TimeoutError as exc:
            raise EngineError(f"The AI model sent nothing for {chunk_seconds:g} s.") from exc
        except Exception as exc:  # providers raise many types; none may escape unexplained
            raise EngineError(f"The AI model failed ({type(exc).__name__}).") from exc
        if text := reidentifier.feed(_text_of(chunk)):
            yield text
    if rest := reidentifier.close():
        yield rest


def _text_of(chunk) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, list):  # providers that stream content blocks
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def build_prompt(request: DraftRequest) -> str:
    """The versioned prompt filled with the template, chart facts and input."""
    from .chart_facts import facts_for_prompt

    sections = "\n".join(f"## {s.key} ({s.title}): {s.holds}" for s in request.template.sections)
    template = (PROMPTS / f"{PROMPT_VERSION}.txt").read_text(encoding="utf-8")
    return template.format(
        template_name=request.template.name,
        sections=sections,
        chart=facts_for_prompt(request.chart) or "(none)",
        input_kind="session transcript" if request.kind == "transcript" else "clinician's notes",
        input=request.text,
    )


def get_llm():
    """The LangChain chat model named by LLM_PROVIDER / LLM_MODEL (and friends).

    Providers: openai, azure_openai, anthropic, and openai_compatible (vLLM, Ollama,
    llama.cpp server … at LLM_BASE_URL). Raises EngineError when none is configured.
    """
    provider, model = settings.LLM_PROVIDER, settings.LLM_MODEL
    if not provider or not model:
        raise EngineError("No AI model is configured (set LLM_PROVIDER and LLM_MODEL).")
    from langchain.chat_models import init_chat_model

    options = {
        "timeout": settings.LLM_TIMEOUT_SECONDS,
        "max_retries": settings.LLM_MAX_RETRIES,
        "temperature": settings.LLM_TEMPERATURE,
    }
    if settings.LLM_API_KEY:
        options["api_key"] = settings.LLM_API_KEY
    if provider == "openai_compatible":
        provider = "openai"
        options["base_url"] = settings.LLM_BASE_URL
    elif provider == "azure_openai":
        options.update(azure_endpoint=settings.LLM_BASE_URL, api_version=settings.LLM_API_VERSION)
    elif settings.LLM_BASE_URL:
        options["base_url"] = settings.LLM_BASE_URL
    return init_chat_model(model, model_provider=provider, **options)


@cache
def _grounded() -> GroundedEngine:
    return GroundedEngine()


def get_engine(name: str | None = None) -> DraftEngine:
    """The engine called `name` (default: settings.DRAFT_ENGINE). Raises EngineError."""
    name = name or settings.DRAFT_ENGINE
    if name == "grounded":
        return _grounded()
    if name == "llm":
        return LlmEngine()
    raise EngineError(f"There is no drafting engine {name!r}.")
