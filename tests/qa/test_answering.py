"""answer_stream: structured first, else retrieval; grounded or llm; bad input and model
failures end in AnswerFailed with the question handed back."""

from __future__ import annotations

from datetime import date

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from copilot.drafting.engines import EngineError
from copilot.qa.answering import answer_stream, newest_notes
from copilot.qa.types import (
    NOT_FOUND,
    AnswerDone,
    AnswerFailed,
    AnswerPart,
    AnswerStarted,
    AnswerToken,
    Passage,
)

from .conftest import FakeRetriever


def note(n: int, text: str, score: float = 0.5) -> Passage:
    return Passage(
        text, f"DocumentReference/n{n}", "Progress note", date(2026, 9, n), "note", 0, len(text),
        score,
    )  # fmt: skip


NOTES = [
    note(1, "Client reported poor sleep and early waking since the last session."),
    note(2, "Client reported stress at work as a project manager."),
    note(3, "Client talked about her sister Dana, who helps with childcare."),
    note(4, "Client reported guilt about not keeping up with chores."),
    note(5, "Client reported low mood and withdrawal from friends."),
]


async def run(question, chart, retriever, **options) -> list:
    return [e async for e in answer_stream(question, chart, retriever, **options)]


@pytest.fixture
async def chart(gateway):
    return await gateway.chart("bh-001")


async def test_a_structured_question_is_answered_without_retrieval(chart):
    retriever = FakeRetriever(NOTES)
    events = await run("What is her latest PHQ-9?", chart, retriever)
    assert events[0] == AnswerStarted("What is her latest PHQ-9?", "structured")
    assert all(isinstance(e, AnswerPart) for e in events[1:-1])
    assert isinstance(events[-1], AnswerDone) and events[-1].answer.kind == "structured"
    assert retriever.searches == []


async def test_an_open_question_is_quoted_from_retrieved_passages(chart, settings):
    settings.QA_TOP_K = 4
    retriever = FakeRetriever(NOTES)
    events = await run("  Has she mentioned her sister?  ", chart, retriever, mode="grounded")
    assert retriever.searches == [("Has she mentioned her sister?", 4, False)]
    answer = events[-1].answer
    assert answer.kind == "extractive"
    assert answer.sentences[0].citations[0].source == "DocumentReference/n3"
    assert [e.sentence for e in events if isinstance(e, AnswerPart)] == list(answer.sentences)


async def test_nothing_relevant_says_so(chart):
    events = await run("Does she own a dog?", chart, FakeRetriever(NOTES), mode="grounded")
    assert events[-1].answer.text == NOT_FOUND
    assert events[-1].answer.found is False


async def test_the_last_n_sessions_are_summarized_from_the_newest_notes_of_the_chart(chart):
    retriever = FakeRetriever(NOTES)
    events = await run("Summarize the themes of the last four sessions", chart, retriever)
    answer = events[-1].answer
    assert retriever.searches == []  # the chart carries its newest notes: no search
    newest = [n.source for n in chart.notes if not n.psychotherapy][:4]
    assert {s.citations[0].source for s in answer.sentences} == set(newest)
    assert len(answer.sentences) == 4


async def test_the_last_session_is_read_from_the_newest_note(chart):
    events = await run("What did we work on last session?", chart, FakeRetriever(NOTES))
    answer = events[-1].answer
    assert answer.kind == "extractive"
    newest = next(n for n in chart.notes if not n.psychotherapy)
    assert {s.citations[0].source for s in answer.sentences} == {newest.source}
    assert 1 <= len(answer.sentences) <= 3


async def test_more_sessions_than_the_chart_carries_are_found_by_a_wide_search(chart):
    retriever = FakeRetriever(NOTES)
    events = await run("Summarize the last nine sessions", chart, retriever)
    assert retriever.searches[0][1] >= 9 * 12
    assert retriever.scopes[0][1] is True  # newest first
    cited = {s.citations[0].source for s in events[-1].answer.sentences}
    assert cited <= {p.source for p in NOTES}


def test_newest_notes_keeps_every_passage_of_the_newest_notes_only():
    passages = [*NOTES, note(5, "Another chunk of note five."), note(9, "Goal text.")]
    passages[-1] = Passage("Goal text.", "Goal/g1", "Goal", date(2026, 9, 9), "goal")
    kept = newest_notes(passages, 2)
    assert {p.source for p in kept} == {"DocumentReference/n4", "DocumentReference/n5"}
    assert len(kept) == 3


async def test_restricted_records_are_searched_only_with_consent(chart):
    retriever = FakeRetriever(NOTES)
    await run("Has she mentioned her sister?", chart, retriever, include_restricted=True)
    assert retriever.searches[0][2] is True


@pytest.mark.parametrize(
    ("question", "message"),
    [("   ", "Type a question"), ("x" * 1001, "up to 1,000 characters; this one has 1,001")],
)
async def test_bad_questions_fail_clearly_and_come_back_unchanged(chart, question, message):
    events = await run(question, chart, FakeRetriever(NOTES))
    assert len(events) == 1 and isinstance(events[0], AnswerFailed)
    assert message in events[0].message and events[0].question == question


async def test_llm_mode_streams_tokens_then_cited_sentences(chart, monkeypatch):
    reply = "Her sister Dana helps with childcare [1]."
    monkeypatch.setattr(
        "copilot.drafting.engines.get_llm", lambda: FakeListChatModel(responses=[reply])
    )
    retriever = FakeRetriever([NOTES[2]])
    events = await run("Has she mentioned her sister?", chart, retriever, mode="llm")
    assert events[0].mode == "llm"
    assert "".join(e.text for e in events if isinstance(e, AnswerToken)) == reply
    parts = [e.sentence for e in events if isinstance(e, AnswerPart)]
    assert parts[0].citations[0].source == "DocumentReference/n3"
    assert events[-1].answer.kind == "llm"


async def test_llm_mode_reports_a_failing_model(chart, monkeypatch):
    monkeypatch.setattr(
        "copilot.drafting.engines.get_llm",
        lambda: FakeListChatModel(responses=["Her sister [1]."], error_on_chunk_number=2),
    )
    events = await run("Has she mentioned her sister?", chart, FakeRetriever(NOTES), mode="llm")
    assert isinstance(events[-1], AnswerFailed)
    assert events[-1].message == "The AI model failed (FakeListChatModelError)."
    assert events[-1].question == "Has she mentioned her sister?"


async def test_llm_mode_without_a_configured_model_fails_clearly(chart, monkeypatch):
    def unconfigured():
        raise EngineError("No AI model is configured (set LLM_PROVIDER and LLM_MODEL).")

    monkeypatch.setattr("copilot.drafting.engines.get_llm", unconfigured)
    events = await run("Has she mentioned her sister?", chart, FakeRetriever(NOTES), mode="llm")
    assert events[-1].message.startswith("No AI model is configured")


async def test_events_serialize_for_the_websocket(chart):
    events = await run("When is the next appointment?", chart, None)
    payloads = [e.as_dict() for e in events]
    assert [p["event"] for p in payloads] == ["started", "sentence", "done"]
    citation = payloads[-1]["sentences"][0]["citations"][0]
    assert citation["source"] == chart.next_visit.source
    assert citation["date"] == chart.next_visit.start.isoformat()


async def test_the_clients_name_alone_does_not_make_an_entry_an_answer(chart):
    name = chart.client.name.split()[0]
    plan = Passage(
        f"Treatment plan for {chart.client.name} (active).", "CarePlan/p1", "Treatment plan",
        date(2026, 9, 1), "care-plan", 0, 40, 0.5,
    )  # fmt: skip
    events = await run(f"what school does {name} go to", chart, FakeRetriever([plan]))
    assert events[-1].answer.found is False
