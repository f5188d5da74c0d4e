"""Answer one chart question as a stream of events; the consumer only forwards them.

Order of work: a question about the practice's own rules ("our policy on
no-shows") that does not point at the client is answered from the practice
knowledge base; a structured question (scores, medications, diagnoses, goals,
appointments) is answered exactly from the ChartContext; a question about "the
last session" or "the last N sessions" reads the N newest notes the chart carries
(a wider retrieval when it carries fewer), the best sentence of each (three of a
single one); anything else retrieves the QA_TOP_K best passages of the client's
index by hybrid search scoped by the question (copilot.qa.filters) and answers
from them, quoting (`grounded`) or generating (`llm`).

Events: AnswerStarted, then AnswerPart per cited sentence (AnswerToken chunks
first in llm mode), then AnswerDone, or AnswerFailed with the question returned
unchanged so nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.conf import settings

from copilot.chart import ChartContext

if TYPE_CHECKING:
    from copilot.kb.index import PracticeIndex

from . import generative
from .extractive import answer_extractive, passage_day
from .filters import SearchScope, scope_of, spelled_out
from .practice import answer_from_documents, asks_practice
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
    r"\b(?:last|past|recent|previous|latest|most recent)\s+(?:(?P<count>\d{1,2}|two|three|four|"
    r"five|six|seven|eight|nine|ten)\s+)?(?P<what>sessions?|notes?|visits?|appointments?|time)\b",
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
    practice: PracticeIndex | None = None,
) -> AsyncIterator[AnswerEvent]:
    """The events answering `question` from `chart` and the client's `retriever`.

    `mode`: "grounded" or "llm" (default settings.QA_ENGINE). `include_restricted`:
    the client consented to redisclosure of 42 CFR Part 2 records. `practice`: the
    practice knowledge base (copilot.kb.index.PracticeIndex), which answers questions
    about the practice's own rules (`practice.asks_practice`), always quoted, once the
    practice has loaded documents. Never raises for bad input or a failing model:
    those end in AnswerFailed.
    """
    mode = mode or settings.QA_ENGINE
    error = question_error(question) or (None if mode in MODES else f"Unknown Q&A mode {mode!r}.")
    if error:
        yield AnswerFailed(question, error)
        return
    question = question.strip()
    if practice is not None and asks_practice(question, chart) and await _has_documents(practice):
        yield AnswerStarted(question, "practice")
        hits = await sync_to_async(practice.search, thread_sensitive=False)(
            spelled_out(question), settings.QA_TOP_K
        )
        passages = passages_from_hits(hits)
        answer = await sync_to_async(answer_from_documents, thread_sensitive=False)(
            question, passages
        )
        async for event in _parts(answer, _sources(passages)):
            yield event
        return
    structured = answer_structured(question, chart, include_restricted=include_restricted)
    yield AnswerStarted(question, "structured" if structured else mode)
    if structured is not None:
        async for event in _parts(structured):
            yield event
        return
    recent = _recent_count(question)
    latest = newest_chart_notes(chart, recent, include_restricted=include_restricted)
    day, scope = None, None
    if latest is not None:
        passages = latest
    else:
        passages, scope = await retrieve(
            question,
            retriever,
            today=chart.read_at.date(),
            recent=recent,
            include_restricted=include_restricted,
        )
        passages = passages if recent is None else newest_notes(passages, recent)
        day = scope.day if scope else None
    if mode == "grounded":
        answer = await sync_to_async(_extract, thread_sensitive=False)(
            question,
            passages,
            recent,
            day=day,
            common=chart.client.name,
            newest_first=bool(scope and scope.newest_first),
        )
        async for event in _parts(answer, _sources(passages)):
            yield event
        return
    async for event in _generate(question, passages, chart):
        if isinstance(event, AnswerDone):
            event = replace(event, retrieved=_sources(passages))
        yield event


async def retrieve(
    question: str,
    retriever: Retriever | None,
    *,
    today: date,
    recent: int | None = None,
    include_restricted: bool = False,
) -> tuple[list[Passage], SearchScope | None]:
    """The passages to answer from, best first, and the scope searched (None without
    a retriever): the QA_TOP_K best (12 per note when `recent`, the question asks
    about the last N sessions, so that N notes are among them).

    The search is scoped by what the question says (`filters.scope_of`: dates, entry
    kind, note title, author; newest first for "last"/"latest"). A scope by title or
    author that matches nothing is dropped rather than answer "not found" on a guess.
    The search text has abbreviations spelled out; the client's name stays in it
    (the keyword half finds the entries that name the client: the intake, the plan).
    """
    if retriever is None:
        return [], None
    k = settings.QA_TOP_K if recent is None else max(settings.QA_TOP_K, 12 * recent)
    titles, authors = await sync_to_async(retriever.facets, thread_sensitive=False)()
    scope = scope_of(question, today, titles=titles, authors=authors)
    search = partial(
        sync_to_async(retriever.search, thread_sensitive=False),
        spelled_out(question),
        k,
        include_restricted=include_restricted,
        newest_first=scope.newest_first or recent is not None,
    )
    hits = await search(where=scope.where)
    if not hits and (scope.where.title or scope.where.author):
        hits = await search(where=replace(scope.where, title=None, author=None))
    return passages_from_hits(hits), scope


async def _has_documents(practice: PracticeIndex) -> bool:
    """Whether the practice has loaded any documents (else its questions go to the chart)."""
    return await sync_to_async(practice.count, thread_sensitive=False)() > 0


def newest_chart_notes(
    chart: ChartContext, count: int | None, *, include_restricted: bool = False
) -> list[Passage] | None:
    """The `count` newest notes the chart carries, whole, as passages (newest first);
    None when the question names no count or the chart carries fewer usable notes than
    asked (then retrieval finds them). Psychotherapy notes are never used; Part 2 notes only
    with `include_restricted`."""
    if count is None:
        return None
    usable = [
        n
        for n in chart.notes
        if n.text.strip() and not n.psychotherapy and (include_restricted or not n.restricted)
    ]
    if len(usable) < count:
        return None
    return [
        Passage(n.text, n.source, n.title, n.date, "note", 0, len(n.text), restricted=n.restricted)
        for n in usable[:count]
    ]


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
    count = match["count"] or ("3" if match["what"].lower().endswith("s") else "1")
    return int(count) if count.isdigit() else _COUNTS[count.lower()]


def _extract(
    question: str,
    passages: list[Passage],
    recent: int | None,
    *,
    day: date | None = None,
    common: str = "",
    newest_first: bool = False,
) -> Answer:
    if day is not None and passages:
        # "What happened at the visit on March 3?": that day's entries are the answer;
        # their best sentences, however loosely they match the question's words.
        return answer_extractive(
            question, passages, threshold=0.0, margin=None, per_source=3, common=common
        )
    if recent is None:
        return answer_extractive(question, passages, common=common, newest_first=newest_first)
    # A summary of named sessions: the best sentence of each (three of a single one),
    # however loosely it matches.
    per_source = 3 if recent == 1 else 1
    return answer_extractive(
        question,
        passages,
        threshold=0.0,
        margin=None,
        max_sentences=recent * per_source,
        per_source=per_source,
        common=common,
    )


async def _parts(answer: Answer, retrieved: tuple[str, ...] = ()) -> AsyncIterator[AnswerEvent]:
    for sentence in answer.sentences:
        yield AnswerPart(sentence)
    yield AnswerDone(answer, retrieved=retrieved)


def _sources(passages: Sequence[Passage]) -> tuple[str, ...]:
    """The entries the passages come from, in order, each once."""
    return tuple(dict.fromkeys(p.source for p in passages))


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
