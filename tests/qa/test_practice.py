"""Practice questions go to the knowledge base, client questions to the chart."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from copilot.qa.answering import answer_stream
from copilot.qa.practice import NOT_FOUND_PRACTICE, asks_practice
from copilot.qa.types import AnswerDone, AnswerStarted, Passage

from .conftest import FakeRetriever

PRACTICE = [
    "steps to submit a prior auth",
    "our policy on no-shows",
    "how fast do I have to co-sign my supervisee's notes",
    "can I release Part 2 records with a general ROI?",
    "what goes in a BIRP note",
    "how often are we supposed to give the PHQ-9",
    "client wants to stop treatment, how do they revoke consent",
]
CHART = [
    "what did we cover in our last session",
    "who's supervising Maya's case?",
    "has she ever reported SI?",
    "what's the latest PHQ-9",
    "when did he start the sertraline",
    "did the client consent to telehealth?",
    "who is supervising this case",
]


@pytest.fixture
async def chart(gateway):
    return await gateway.chart("bh-001")  # Maya Thompson


@pytest.mark.parametrize("question", PRACTICE)
async def test_questions_about_how_the_practice_works_go_to_its_documents(question, chart):
    assert asks_practice(question, chart)


@pytest.mark.parametrize("question", CHART)
async def test_questions_pointing_at_the_client_stay_with_the_chart(question, chart):
    assert not asks_practice(question, chart)


class FakePractice:
    def __init__(self, passages) -> None:
        self.passages, self.searches = passages, []

    def search(self, query: str, k: int = 5, **_):
        self.searches.append(query)
        return [SimpleNamespace(chunk=p, score=p.score) for p in self.passages[:k]]

    def count(self) -> int:
        return len(self.passages)


def section(heading: str, text: str) -> Passage:
    source = f"kb:late-cancellation-and-no-show-policy.md#{heading}"
    title = f"Late Cancellation and No-Show Policy › {heading}"
    return Passage(text, source, title, None, "practice-document", 0, len(text), 0.5)


async def test_a_practice_question_is_quoted_from_the_documents_with_section_citations(chart):
    practice = FakePractice(
        [
            section("Fees", "A late cancellation or no-show is charged a fee of $75."),
            section("Exceptions", "Fees are waived for medical emergencies and severe weather."),
        ]
    )
    retriever = FakeRetriever()
    events = [
        e
        async for e in answer_stream(
            "what is our no-show fee?", chart, retriever, practice=practice
        )
    ]
    assert events[0] == AnswerStarted("what is our no-show fee?", "practice")
    done = events[-1]
    assert isinstance(done, AnswerDone) and done.answer.kind == "practice"
    cited = [c.source for s in done.answer.sentences for c in s.citations]
    assert cited[0] == "kb:late-cancellation-and-no-show-policy.md#Fees"
    assert retriever.searches == []  # the client's chart is not searched


async def test_nothing_in_the_documents_says_so_in_their_words(chart):
    practice = FakePractice([section("Fees", "A late cancellation is charged a fee of $75.")])
    events = [
        e
        async for e in answer_stream(
            "what is our policy on parking validation?", chart, FakeRetriever(), practice=practice
        )
    ]
    assert events[-1].answer.found is False
    assert events[-1].answer.text == NOT_FOUND_PRACTICE


async def test_with_no_documents_loaded_a_practice_question_goes_to_the_chart(chart):
    practice, retriever = FakePractice([]), FakeRetriever()
    events = [
        e
        async for e in answer_stream(
            "what is our no-show fee?", chart, retriever, practice=practice
        )
    ]
    assert events[0].mode != "practice" and practice.searches == []
    assert retriever.searches  # the chart was searched instead
