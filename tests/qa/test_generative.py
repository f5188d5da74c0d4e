"""llm answers: streamed tokens, [n] markers mapped to citations, uncited sentences flagged,
model failures reported. The chat model is LangChain's fake, patched in at get_llm."""

from __future__ import annotations

from datetime import date

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage

from copilot.drafting.engines import EngineError
from copilot.qa.generative import build_prompt, cite, stream_answer
from copilot.qa.types import AnswerDone, AnswerToken, Passage

PASSAGES = [
    Passage(
        "S: Client reported starting sertraline 50 mg daily. Denied side effects so far.",
        "DocumentReference/note-3", "Progress note", date(2026, 8, 16), "note", 0, 80,
    ),
    Passage(
        "Client talked about her sister Dana, who helps with childcare.",
        "DocumentReference/note-5", "Progress note", date(2026, 8, 30), "note", 100, 162,
    ),
]  # fmt: skip


async def collect(stream) -> list:
    return [event async for event in stream]


async def test_tokens_stream_and_markers_become_citations_of_the_right_sentence():
    reply = "She started sertraline 50 mg daily [1]. Her sister Dana helps with childcare [2]."
    llm = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))

    events = await collect(stream_answer("Meds and family?", PASSAGES, llm, chunk_seconds=5))

    tokens = [e.text for e in events if isinstance(e, AnswerToken)]
    assert len(tokens) > 2 and "".join(tokens) == reply
    answer = events[-1].answer
    assert isinstance(events[-1], AnswerDone) and answer.kind == "llm" and answer.found
    first, second = answer.sentences
    assert first.text == "She started sertraline 50 mg daily."
    assert first.citations[0].source == "DocumentReference/note-3"
    assert first.citations[0].excerpt == "Client reported starting sertraline 50 mg daily."
    assert (first.citations[0].start, first.citations[0].end) == (3, 51)
    assert second.citations[0].source == "DocumentReference/note-5"
    assert second.citations[0].start == 100  # the chunk's offset in its note


def test_a_sentence_without_a_valid_marker_is_flagged_unsupported():
    text = "She started sertraline [1]. She is doing great overall. Dana visits weekly [7]."
    answer = cite("How is she?", text, PASSAGES)
    assert [s.supported for s in answer.sentences] == [True, False, False]
    assert answer.sentences[1].citations == () and answer.sentences[2].citations == ()


def test_markers_after_the_full_stop_and_pairs_of_markers_are_read():
    answer = cite("Q?", "Sertraline and her sister came up. [1][2]", PASSAGES)
    assert len(answer.sentences) == 1
    assert [c.source for c in answer.sentences[0].citations] == [p.source for p in PASSAGES]
    assert answer.sentences[0].text == "Sertraline and her sister came up."


def test_the_models_not_found_reply_is_the_not_found_answer():
    answer = cite("Any pets?", "I could not find this in the chart.", PASSAGES)
    assert answer.kind == "not_found" and not answer.found


async def test_without_passages_the_model_is_not_asked():
    llm = FakeListChatModel(responses=["anything"], error_on_chunk_number=0)
    events = await collect(stream_answer("Any pets?", [], llm, chunk_seconds=5))
    assert [type(e) for e in events] == [AnswerDone]
    assert events[0].answer.kind == "not_found"


async def test_a_model_error_becomes_an_answer_error():
    llm = FakeListChatModel(responses=["She started sertraline [1]."], error_on_chunk_number=4)
    with pytest.raises(EngineError, match="The AI model failed"):
        await collect(stream_answer("Meds?", PASSAGES, llm, chunk_seconds=5))


async def test_a_stalled_model_times_out():
    llm = FakeListChatModel(responses=["slow"], sleep=0.5)
    with pytest.raises(EngineError, match="sent nothing for 0.05 s"):
        await collect(stream_answer("Meds?", PASSAGES, llm, chunk_seconds=0.05))


def test_the_prompt_numbers_the_passages_and_holds_the_question():
    prompt = build_prompt("When did she start sertraline?", PASSAGES)
    assert "[1] (Aug 16, 2026, Progress note) S: Client reported starting sertraline" in prompt
    assert "[2] (Aug 30, 2026, Progress note) Client talked about her sister" in prompt
    assert "Question: When did she start sertraline?" in prompt
    assert "I could not find this in the chart." in prompt
