"""Chart Q&A over the sidebar socket: `chat-prepare` (bring the client's index up to
date and read the chart when the Ask panel opens) and `ask`. Answers stream as partials of
templates/copilot/chat.html: the turn appears at once, sentences (or tokens, with
the llm engine) are appended as they come, and the finished turn replaces it.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from asgiref.sync import sync_to_async
from django.conf import settings

from copilot.ehr import ClientNotFound, EhrError, get_gateway
from copilot.kb.index import PracticeIndex
from copilot.qa.answering import question_error
from copilot.qa.services import ask
from copilot.qa.types import AnswerDone, AnswerFailed, AnswerPart, AnswerToken
from copilot.retrieval.consent import part2_consent_in_force
from copilot.retrieval.index import ClientIndex
from copilot.retrieval.sync import sync_client

from ..presenters import turn_view

logger = logging.getLogger(__name__)
TEMPLATE = "copilot/chat.html"
INDEX_TASK = "index"
CHART_TASK = "qa-chart"


class ChatActions:
    """The sidebar socket's chart Q&A actions (a mixin of SidebarConsumer)."""

    actions = ("ask", "chat-prepare")

    async def on_chat(self, action: str, content: dict) -> None:
        if action == "chat-prepare":
            self.index_task()
            self.chart_task()
            return
        await self.on_ask(content)

    def chart_task(self) -> asyncio.Task:
        """The chart questions are answered from: read when the Ask panel opens and read
        again once older than QA_CHART_MAX_AGE_SECONDS (or after a failed read), so a
        question does not wait for the EHR each time."""
        task = self.running.get(CHART_TASK)
        stale = (
            task is not None
            and task.done()
            and (
                task.cancelled()
                or task.exception()
                or time.monotonic() - self.chart_read_at > settings.QA_CHART_MAX_AGE_SECONDS
            )
        )
        if task is None or stale:
            self.chart_read_at = time.monotonic()
            task = asyncio.create_task(get_gateway().chart(self.client_id))
            self.running[CHART_TASK] = task
        return task

    def index_task(self) -> asyncio.Task:
        """Sync the client's index once per socket: the first open of a client
        indexes the chart, later opens only what changed (copilot.retrieval.sync)."""
        task = self.running.get(INDEX_TASK)
        if task is None or (task.done() and (task.cancelled() or task.exception())):
            task = asyncio.create_task(sync_client(get_gateway(), self.client_id))
            self.running[INDEX_TASK] = task
        return task

    async def on_ask(self, content: dict) -> None:
        question = str(content.get("question", ""))
        error = question_error(question)
        if error:
            return await self.send_chat("chat-form", question=question, error=error)
        turn = uuid.uuid4().hex[:12]
        await self.send_chat("chat-form", question="", error=None)
        await self.send_chat("turn-pending", turn=turn, question=question.strip())
        self.running[f"ask-{turn}"] = asyncio.create_task(self.run_answer(turn, question))

    async def run_answer(self, turn: str, question: str) -> None:
        try:
            chart = await asyncio.shield(self.chart_task())
            await asyncio.shield(self.index_task())
            consent = await sync_to_async(part2_consent_in_force)(self.client_id)
            retriever = await sync_to_async(ClientIndex)(self.client_id)
            stream = ask(
                actor=self.user,
                chart=chart,
                question=question,
                retriever=retriever,
                include_restricted=consent,
                practice=PracticeIndex(),
            )
            async for event in stream:
                await self.send_answer_event(turn, event)
        except ClientNotFound:
            await self.fail_turn(turn, question, "This client is not in the EHR.")
        except EhrError as error:
            await self.fail_turn(turn, question, f"{error.message} Try again in a moment.")
        finally:
            self.running.pop(f"ask-{turn}", None)

    async def send_answer_event(self, turn: str, event) -> None:
        if isinstance(event, AnswerToken):
            await self.send_chat("answer-token", turn=turn, text=event.text)
        elif isinstance(event, AnswerPart):
            await self.send_chat("answer-sentence", turn=turn, sentence=event.sentence)
        elif isinstance(event, AnswerDone):
            view = turn_view(turn, event.answer.question, event.answer)
            await self.send_chat("turn", turn=view, swap=True)
        elif isinstance(event, AnswerFailed):
            await self.fail_turn(turn, event.question, event.message)

    async def fail_turn(self, turn: str, question: str, message: str) -> None:
        """The turn says what went wrong; the question goes back into the form."""
        logger.info("Answer %s failed: %s", turn, message)
        await self.send_chat("turn-failed", turn=turn, question=question, message=message)
        await self.send_chat("chat-form", question=question, error=None)

    async def send_chat(self, partial: str, **context) -> None:
        await self.send_html(f"{TEMPLATE}#{partial}", client_id=self.client_id, **context)
