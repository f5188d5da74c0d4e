"""The `llm` plan-review engine with a fake chat model at the get_llm() seam: what it is
sent (de-identified, no withheld content) and how its answer is held to the evidence."""

from __future__ import annotations

import dataclasses

import pytest

from copilot.plans import engine as plan_engine
from copilot.plans.engine import LlmPlanEngine, get_plan_engine, parse_reply
from copilot.plans.evidence import GoalEvidence, plan_evidence
from tests.deid.conftest import RecordingChatModel

# bh-008 Daniel Kim: PHQ-9 10 → 18 (goal 1), social activity (goal 2), journal (goal 3).
REPLY = """## goal-1
Status: achieved
Reason: The client feels better.
Progress: PHQ-9 rose from 10 to 18 since the review. Mood improved to 47 out of 100.
Revised: Reduce PHQ-9 total from 18 to below 10 within 12 weeks, measured every 2 weeks.
## goal-2
Status: in-progress
Reason: Activity monitoring was assigned.
Progress: Daniel Kim was asked to record mood and activity daily.
Revised: none
## goal-3
Status: sustaining
Reason: He journals every night.
Progress: He kept a gratitude journal on 6 evenings.
Revised: none
"""


async def evidence_for(gateway, client_id: str):
    plan = await gateway.treatment_plan(client_id)
    chart = await gateway.chart(client_id)
    notes = await gateway.notes_since(client_id, plan.reviewed_since)
    return plan_evidence(plan, notes, chart), chart


@pytest.fixture
def external(settings):
    settings.LLM_PROVIDER = "openai"  # an external provider: prompts are de-identified


async def test_the_prompt_is_de_identified_and_carries_the_evidence(gateway, external):
    evidence, chart = await evidence_for(gateway, "bh-008")
    model = RecordingChatModel(responses=[REPLY])
    engine = LlmPlanEngine(model, timeout=5)

    await engine.draft(evidence, chart=chart, clinician="Elena Rivera")

    (sent,) = model.sent
    assert sent == engine.outbound.payload
    assert "Daniel" not in sent and "Kim" not in sent and "Elena Rivera" not in sent
    assert "## goal-1: Reduce PHQ-9 total below 10" in sent
    assert "score: PHQ-9 went from 10 on" in sent
    assert "## goal-3: Keep a gratitude journal" in sent
    assert "(no evidence since the last review)" in sent


async def test_the_answer_is_held_to_the_evidence(gateway, external):
    evidence, chart = await evidence_for(gateway, "bh-008")
    drafts = await LlmPlanEngine(RecordingChatModel(responses=[REPLY]), timeout=5).draft(
        evidence, chart=chart, clinician="Elena Rivera"
    )
    phq9, social, journal = drafts

    # "achieved" with PHQ-9 at 18 against a target below 10: the grounded status stands.
    assert phq9.status == "in-progress" and phq9.reason.startswith("No progress")
    unsupported = [s.text for s in phq9.sentences if not s.supported]
    assert unsupported == ["Mood improved to 47 out of 100."]  # no evidence holds 47
    assert phq9.revised.startswith("Reduce PHQ-9 total from 18 to below 10")
    assert social.status == "in-progress" and "Daniel Kim" in social.summary  # re-identified
    # No evidence for the journal goal: the model's invented progress is not used.
    assert journal.summary.startswith("No evidence since last review")
    assert journal.status == "on-hold" and "6 evenings" not in journal.summary


async def test_nothing_is_sent_when_no_goal_has_evidence(gateway, external):
    evidence, chart = await evidence_for(gateway, "bh-008")
    empty = dataclasses.replace(evidence, goals=tuple(GoalEvidence(g.goal) for g in evidence.goals))
    model = RecordingChatModel(responses=[REPLY])
    engine = LlmPlanEngine(model, timeout=5)

    drafts = await engine.draft(empty, chart=chart, clinician="Elena Rivera")

    assert model.sent == [] and engine.outbound is None
    assert all(d.summary.startswith("No evidence since last review") for d in drafts)


def test_the_reply_is_split_per_goal_and_field():
    parsed = parse_reply("intro\n## goal-2\nStatus: On-hold\nProgress: one.\nmore.\n")
    assert parsed == {2: {"status": "On-hold", "progress": "one. more."}}


def test_the_engine_follows_draft_engine(settings, monkeypatch):
    settings.DRAFT_ENGINE = "llm"
    monkeypatch.setattr(plan_engine, "get_llm", lambda: RecordingChatModel(responses=["x"]))
    assert isinstance(get_plan_engine(), LlmPlanEngine)
    settings.DRAFT_ENGINE = "grounded"
    assert get_plan_engine().info.name == "grounded"
