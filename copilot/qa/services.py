"""Writes of chart Q&A: recording a chat turn, and `ask`, the one call of the consumer."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.chart import ChartContext

if TYPE_CHECKING:
    from copilot.kb.index import PracticeIndex

from .answering import answer_stream
from .models import ChatTurn
from .types import AnswerDone, AnswerEvent, AnswerStarted, Retriever


@transaction.atomic
def chat_turn_record(
    *,
    actor: AbstractBaseUser,
    client_id: str,
    done: AnswerDone,
    mode: str,
    latency_ms: int | None = None,
) -> ChatTurn:
    """Store one answered question in the actor's history for the client, and its
    audit ledger entry (retrieved and cited references, payload sent, latency)."""
    answer = done.answer
    turn = ChatTurn.objects.create(
        clinician=actor,
        client_id=client_id,
        question=answer.question,
        answer=answer.as_dict(),
        kind=answer.kind,
        mode=mode,
        found=answer.found,
    )
    cited = [c.source for s in answer.sentences for c in s.citations]
    references = list(dict.fromkeys([*done.retrieved, *cited]))
    event = entries.chat_answered(
        turn,
        references=references,
        sent=done.outbound.as_dict() if done.outbound else None,
        latency_ms=latency_ms,
    )
    record(event, actor=actor)
    return turn


async def ask(
    *,
    actor: AbstractBaseUser,
    chart: ChartContext,
    question: str,
    retriever: Retriever | None,
    mode: str | None = None,
    include_restricted: bool = False,
    practice: PracticeIndex | None = None,
) -> AsyncIterator[AnswerEvent]:
    """`answer_stream` for the client of `chart`, recording the finished answer in the
    actor's chat history before AnswerDone is passed on. The caller has checked that
    the client is on the actor's caseload and built `retriever` for that client;
    `practice` is the practice knowledge base (or None)."""
    started_mode, started = mode, time.perf_counter()
    async for event in answer_stream(
        question,
        chart,
        retriever,
        mode=mode,
        include_restricted=include_restricted,
        practice=practice,
    ):
        if isinstance(event, AnswerStarted):
            started_mode = event.mode
        if isinstance(event, AnswerDone):
            await sync_to_async(chat_turn_record)(
                actor=actor,
                client_id=chart.client.id,
                done=event,
                mode=started_mode or "",
                latency_ms=round((time.perf_counter() - started) * 1000),
            )
        yield event
