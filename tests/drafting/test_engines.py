"""The llm engine's pieces: section splitting of a stream, the prompt, model configuration."""

from __future__ import annotations

import random

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from copilot.drafting.engines import EngineError, LlmEngine, SectionSplitter, build_prompt, get_llm
from copilot.drafting.templates import get_template
from copilot.drafting.types import DraftRequest, SectionCompleted, SectionToken

STREAM = (
    "Here is the note.\n"
    "## subjective\nClient reported poor sleep.\n# not a header\nMore detail.\n"
    "## plan\nContinue CBT.\n[clinician to complete: next session date]"
)


def split(text: str, chunk_sizes) -> list[tuple]:
    splitter = SectionSplitter(["subjective", "plan"])
    events, i = [], 0
    for size in chunk_sizes:
        events += splitter.feed(text[i : i + size])
        i += size
    return events + splitter.close()


@pytest.mark.parametrize("seed", range(5))
def test_the_splitter_finds_the_same_sections_however_the_stream_is_chunked(seed):
    rng = random.Random(seed)
    events = split(STREAM, [rng.randint(1, 9) for _ in range(len(STREAM))])
    ends = {e[1]: e[2] for e in events if e[0] == "end"}
    assert [e[1] for e in events if e[0] == "start"] == ["subjective", "plan"]
    assert ends["subjective"] == "Client reported poor sleep.\n# not a header\nMore detail.\n"
    assert ends["plan"] == "Continue CBT.\n[clinician to complete: next session date]"
    tokens = "".join(e[2] for e in events if e[0] == "token" and e[1] == "subjective")
    assert tokens == ends["subjective"]


def test_the_splitter_ignores_unknown_headers_and_reports_missing_sections():
    splitter = SectionSplitter(["subjective", "plan"])
    events = splitter.feed("## subjective\nSlept well.\n## summary\nExtra.\n") + splitter.close()
    assert [e[0] for e in events if e[0] != "token"] == ["start", "end"]
    assert events[-1][2] == "Slept well.\n## summary\nExtra.\n"
    assert splitter.missing == ["plan"]


async def test_the_prompt_holds_the_template_the_chart_and_the_input(gateway):
    chart = await gateway.chart("bh-001")
    request = DraftRequest(get_template("dap"), "Client reported better sleep.", chart)
    prompt = build_prompt(request)
    assert "## data (Data)" in prompt and "## plan (Plan)" in prompt
    assert "F33.1" in prompt and "PHQ-9" in prompt
    assert "Client reported better sleep." in prompt
    assert "[clinician to complete:" in prompt


async def test_generated_sentences_without_support_are_flagged(gateway, settings):
    settings.LLM_PROVIDER = "fake"
    chart = await gateway.chart("bh-001")
    text = "Client reported sleeping six hours most nights after starting a wind-down routine."
    note = (
        "## subjective\nClient reported sleeping six hours most nights.\n"
        "Client reported winning the lottery last Tuesday.\n"
        "## objective\n[clinician to complete: mental status]\n"
        "## assessment\nClient is improving.\n## plan\nContinue.\n"
    )
    engine = LlmEngine(FakeListChatModel(responses=[note]), timeout=5)
    events = [e async for e in engine.stream(DraftRequest(get_template("soap"), text, chart))]

    assert any(isinstance(e, SectionToken) for e in events)
    subjective = next(e.section for e in events if isinstance(e, SectionCompleted))
    supported = {s.text: s.supported for s in subjective.sentences}
    assert supported["Client reported sleeping six hours most nights."] is True
    assert supported["Client reported winning the lottery last Tuesday."] is False


async def test_a_model_that_leaves_out_a_section_fails_the_draft(gateway, settings):
    settings.LLM_PROVIDER = "fake"
    chart = await gateway.chart("bh-001")
    engine = LlmEngine(FakeListChatModel(responses=["## subjective\nSlept well.\n"]), timeout=5)
    with pytest.raises(EngineError, match="left out: objective, assessment, plan"):
        [e async for e in engine.stream(DraftRequest(get_template("soap"), "Slept well.", chart))]


async def test_a_silent_model_times_out(gateway, settings):
    settings.LLM_PROVIDER = "fake"
    chart = await gateway.chart("bh-001")
    slow = FakeListChatModel(responses=["## subjective\nSlept well.\n"], sleep=1.0)
    engine = LlmEngine(slow, timeout=0.2)
    with pytest.raises(EngineError, match="sent nothing for 0.2 s"):
        [e async for e in engine.stream(DraftRequest(get_template("soap"), "Slept.", chart))]


def test_no_configured_model_is_a_clear_error(settings):
    settings.LLM_PROVIDER, settings.LLM_MODEL = "", ""
    with pytest.raises(EngineError, match="No AI model is configured"):
        get_llm()


@pytest.mark.parametrize(
    ("provider", "base_url", "expected"),
    [
        ("openai_compatible", "http://127.0.0.1:11434/v1", "ChatOpenAI"),
        ("openai", "", "ChatOpenAI"),
        ("anthropic", "", "ChatAnthropic"),
        ("azure_openai", "https://example.openai.azure.com", "AzureChatOpenAI"),
    ],
)
def test_each_provider_builds_its_langchain_chat_model_without_calling_it(
    settings, provider, base_url, expected
):
    settings.LLM_PROVIDER, settings.LLM_MODEL = provider, "some-model"
    settings.LLM_BASE_URL, settings.LLM_API_KEY = base_url, "test-key"
    model = get_llm()
    assert type(model).__name__ == expected
