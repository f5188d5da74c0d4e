"""Chat history is kept per clinician per client, and `ask` records each answered question."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from copilot.audit.models import LedgerEntry
from copilot.qa.models import ChatTurn
from copilot.qa.selectors import chat_history_for
from copilot.qa.services import ask, chat_turn_record
from copilot.qa.types import Answer, AnswerDone, AnswerFailed, AnswerSentence, Citation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def answer(question: str) -> Answer:
    citation = Citation("Observation/o1", "PHQ-9 6", excerpt="", start=None, end=None)
    return Answer(question, "structured", (AnswerSentence("PHQ-9 is 6.", (citation,)),))


def done(question: str) -> AnswerDone:
    return AnswerDone(answer(question), retrieved=("DocumentReference/n1",))


def test_history_is_oldest_first_and_only_the_clinicians_own_for_that_client():
    me, colleague = UserFactory(), UserFactory()
    for n in range(3):
        chat_turn_record(actor=me, client_id="bh-001", done=done(f"q{n}"), mode="structured")
    chat_turn_record(actor=me, client_id="bh-002", done=done("other client"), mode="grounded")
    chat_turn_record(actor=colleague, client_id="bh-001", done=done("theirs"), mode="llm")

    history = chat_history_for(clinician=me, client_id="bh-001")

    assert [t.question for t in history] == ["q0", "q1", "q2"]
    assert [t.question for t in chat_history_for(clinician=me, client_id="bh-001", limit=2)] == [
        "q1",
        "q2",
    ]
    assert history[0].sentences[0].citations[0].source == "Observation/o1"


async def test_ask_records_the_answer_it_streams(gateway):
    user = await sync_to_async(UserFactory)()
    chart = await gateway.chart("bh-001")

    events = [
        e async for e in ask(actor=user, chart=chart, question="Latest GAD-7?", retriever=None)
    ]

    done = events[-1]
    assert isinstance(done, AnswerDone)
    turn = await ChatTurn.objects.aget(clinician=user, client_id="bh-001")
    assert turn.question == "Latest GAD-7?" and turn.mode == "structured"
    assert turn.answer == done.answer.as_dict() and turn.found is True
    entry = await LedgerEntry.objects.filter(kind="ai.chat", actor_id=user.pk).aget()
    assert entry.client_id == "bh-001" and entry.meta["chat_turn"] == turn.pk
    cited = [c.source for s in done.answer.sentences for c in s.citations]
    assert entry.meta["references"] == list(dict.fromkeys(cited))
    assert entry.meta["latency_ms"] >= 0


def test_each_recorded_turn_has_one_ledger_entry_with_retrieved_and_cited_references():
    me = UserFactory()
    turn = chat_turn_record(actor=me, client_id="bh-001", done=done("q"), mode="grounded")
    (entry,) = LedgerEntry.objects.filter(kind="ai.chat", actor_id=me.pk)
    assert entry.meta["references"] == ["DocumentReference/n1", "Observation/o1"]
    assert entry.meta["chat_turn"] == turn.pk and entry.outcome == "ok"


async def test_a_failed_question_is_not_recorded(gateway):
    user = await sync_to_async(UserFactory)()
    chart = await gateway.chart("bh-001")
    events = [e async for e in ask(actor=user, chart=chart, question=" ", retriever=None)]
    assert isinstance(events[-1], AnswerFailed)
    assert not await ChatTurn.objects.filter(clinician=user).aexists()
