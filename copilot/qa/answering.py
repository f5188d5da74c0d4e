"""Answer one chart question as a stream of events; the consumer only forwards them.

Order of work: a structured question (scores, medications, diagnoses,
appointments) is answered exactly from the ChartContext; anything else retrieves
the QA_TOP_K best passages of the client's index and answers from them, quoting
(`grounded`) or generating (`llm`). A question about "the last N sessions" reads
the N most recent notes among a wider retrieval, one sentence from each.

Events: AnswerStarted, then AnswerPart per cited sentence (AnswerToken chunks
first in llm mode), then AnswerDone, or AnswerFailed with the question returned
unchanged so nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from asgiref.sync import sync_to_async
from django.conf import settings

from copilot.chart import ChartContext

from . import generative
from .extractive import answer_extractive, passage_day
from .structured import answer_structured
from .types import (
    Answer,
    AnswerDone,
    AnswerEvent,
    AnswerFailed,
    AnswerPart,
    AnswerStarted,
    Passage,
    Retriever,
    passages_from_hits,
)

MODES = ("grounded", "llm")
_RECENT = re.compile(
    r"\b(?:last|past|recent|previous|latest)\s+(?:(?P<count>\d{1,2}|two|three|four|five|six|"
    r"seven|eight|nine|ten)\s+)?(?:sessions|notes|visits|appointments)\b",
    re.IGNORECASE,
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_COUNTS |= {"nine": 9, "ten": 10}


def question_error(question: str) -> str | None:
    """Why the question cannot be asked (a sentence for the clinician), or None.

    Limits: not blank; at most QA_QUESTION_MAX_CHARS characters.
    """
    if not question.strip():
        return "Type a question about this client's chart."
    limit = settings.QA_QUESTION_MAX_CHARS
    if len(question) > limit:
        return f"Questions can be up to {limit:,} characters; this one has {len(question):,}."
    return None


async def answer_stream(
    question: str,
    chart: ChartContext,
    retriever: Retriever | None,
    *,
    mode: str | None = None,
    include_restricted: bool = False,
) -> AsyncIterator[AnswerEvent]:
    """The events answering `question` from `chart` and the client's `retriever`.

    `mode`: "grounded" or "llm" (default settings.QA_ENGINE). `include_restricted`:
    the client consented to redisclosure of 42 CFR Part 2 records. Never raises for
    bad input or a failing model: those end in AnswerFailed.
    """
    mode = mode or settings.QA_ENGINE
    error = question_error(question) or (None if mode in MODES else f"Unknown Q&A mode {mode!r}.")
    if error:
        yield AnswerFailed(question, error)
        return
    question = question.strip()
    structured = answer_structured(question, chart, include_restricted=include_restricted)
    yield AnswerStarted(question, "structured" if structured else mode)
    if structured is not None:
        async for event in _parts(structured):
            yield event
        return
    passages, recent = await retrieve(question, retriever, include_restricted=include_restricted)
    retrieved = tuple(dict.fromkeys(p.source for p in passages))
    if mode == "grounded":
        answer = await sync_to_async(_extract, thread_sensitive=False)(question, passages, recent)
        events = _parts(answer)
    else:
        events = _generate(question, passages, chart)
    async for event in events:
        yield replace(event, retrieved=retrieved) if isinstance(event, AnswerDone) else event


async def retrieve(
    question: str, retriever: Retriever | None, *, include_restricted: bool = False
) -> tuple[list[Passage], int | None]:
    """The passages to answer from, and N when the question asks about the last N
    sessions (then only passages of the N most recent notes are kept)."""
    if retriever is None:
        return [], None
    recent = _recent_count(question)
    k = settings.QA_TOP_K if recent is None else max(settings.QA_TOP_K, 12 * recent)
    hits = await sync_to_async(retriever.search, thread_sensitive=False)(
        question, k, include_restricted=include_restricted
    )
    passages = passages_from_hits(hits)
    return (passages if recent is None else newest_notes(passages, recent)), recent


def newest_notes(passages: Sequence[Passage], count: int) -> list[Passage]:
    """Passages of the `count` most recent notes among `passages`, newest first."""
    notes = [p for p in passages if p.kind == "note" and p.date is not None]
    dated = {p.source: passage_day(p) for p in notes}
    keep = sorted(dated, key=lambda source: dated[source], reverse=True)[:count]
    return [p for p in notes if p.source in keep]


def _recent_count(question: str) -> int | None:
    match = _RECENT.search(question)
    if not match:
        return None
    count = match["count"] or "3"
    return int(count) if count.isdigit() else _COUNTS[count.lower()]


def _extract(question: str, passages: list[Passage], recent: int | None) -> Answer:
    if recent is None:
        return answer_extractive(question, passages)
    # A summary of named sessions: the best sentence of each, however loosely it matches.
    return answer_extractive(
        question, passages, threshold=0.0, margin=None, max_sentences=recent, per_source=1
    )


async def _parts(answer: Answer) -> AsyncIterator[AnswerEvent]:
    for sentence in answer.sentences:
        yield AnswerPart(sentence)
    yield AnswerDone(answer)


async def _generate(
    question: str, passages: list[Passage], chart: ChartContext
) -> AsyncIterator[AnswerEvent]:
    from copilot.drafting.engines import EngineError, get_llm

    try:
        llm = get_llm()
        stream = generative.stream_answer(
            question, passages, llm, chunk_seconds=settings.LLM_TIMEOUT_SECONDS, chart=chart
        )
        async for event in stream:
            if isinstance(event, AnswerDone):
                for sentence in event.answer.sentences:
                    yield AnswerPart(sentence)
            yield event
    except EngineError as exc:
        yield AnswerFailed(question, exc.message)
