"""The grounded plan-review engine on the sandbox's behavioral-health clients: what each
goal's draft must and must not say, from the notes and scores read over HTTP."""

from __future__ import annotations

import re
from datetime import date

import pytest

from copilot.plans.engine import NO_EVIDENCE, GroundedPlanEngine, revised_wording
from copilot.plans.evidence import plan_evidence

PROGRESS_WORDS = re.compile(r"improv|better|progress|achiev|met\b|sustain", re.IGNORECASE)


async def draft(gateway, client_id: str):
    plan = await gateway.treatment_plan(client_id)
    chart = await gateway.chart(client_id)
    notes = await gateway.notes_since(client_id, plan.reviewed_since)
    evidence = plan_evidence(plan, notes, chart)
    goals = await GroundedPlanEngine().draft(evidence, chart=chart, clinician="Mei Chen")
    return plan, chart, evidence, {d.goal_id: d for d in goals}


def sources(goal_draft) -> set[str]:
    return {s.reference for sentence in goal_draft.sentences for s in sentence.sources}


async def test_an_improving_client_phq9_goal_is_achieved_citing_first_and_last_scores(gateway):
    plan, chart, evidence, drafts = await draft(gateway, "bh-001")
    phq9 = drafts["goal-bh-001-1"]  # Reduce PHQ-9 total below 10 within 12 weeks

    first, last = chart.phq9.results[0], chart.phq9.results[-1]
    assert (first.total, last.total) == (19, 6)
    assert "PHQ-9 went from 19 on" in phq9.summary and "to 6 on" in phq9.summary
    assert "(-13 points)" in phq9.summary and "Target PHQ-9 < 10: met." in phq9.summary
    assert sources(phq9) == {first.source, last.source}
    assert phq9.status == "achieved" and phq9.revised == ""
    assert plan.reviewed_since == plan.period_start  # never reviewed: since the plan began


async def test_a_goal_the_notes_mention_quotes_them_with_their_note_and_stays_in_progress(
    gateway,
):
    _, _, evidence, drafts = await draft(gateway, "bh-001")
    activities = drafts["goal-bh-001-2"]  # pleasant activities per week
    quotes = evidence.goals[1].quotes

    assert quotes and all(q.source.startswith("DocumentReference/note-bh-001-") for q in quotes)
    assert re.search(r"\d+ notes since .* mention this goal\.", activities.summary)
    assert any("activity" in s.text for s in activities.sentences[1:])
    cited = [s for s in activities.sentences[1:]]
    assert all(len(s.sources) == 1 for s in cited)
    assert activities.status == "in-progress"
    assert "no measure shows whether the target was met" in activities.reason
    assert activities.revised == ""


async def test_a_worsening_client_is_never_achieved_and_gets_measurable_wording(gateway):
    _, chart, _, drafts = await draft(gateway, "bh-008")
    phq9 = drafts["goal-bh-008-1"]  # Reduce PHQ-9 total below 10

    assert (chart.phq9.results[0].total, chart.phq9.results[-1].total) == (10, 18)
    assert "PHQ-9 went from 10 on" in phq9.summary and "(+8 points)" in phq9.summary
    assert "Target PHQ-9 < 10: not met." in phq9.summary
    assert all(d.status not in ("achieved", "sustaining") for d in drafts.values())
    assert phq9.status == "in-progress"
    assert phq9.reason.startswith("No progress: PHQ-9 moved away from the target")
    assert re.fullmatch(
        r"Reduce PHQ-9 total from 18 to below 10 by \w{3} \d{1,2}, \d{4}, measured every 2 weeks\.",
        phq9.revised,
    )


async def test_a_goal_with_no_mention_says_no_evidence_and_claims_no_progress(gateway):
    plan, _, evidence, drafts = await draft(gateway, "bh-008")
    journal = drafts["goal-bh-008-3"]  # Keep a gratitude journal on 4 evenings a week

    assert evidence.goals[2].quotes == () and evidence.goals[2].score is None
    assert journal.summary.startswith(f"{NO_EVIDENCE} (")
    assert "no note since then mentions this goal and no score is linked to it" in journal.summary
    assert not PROGRESS_WORDS.search(journal.summary)
    assert sources(journal) == set() and journal.evidence_found is False
    assert journal.status == "on-hold"
    assert journal.revised.startswith("Keep a gratitude journal on 4 evenings a week, recorded")


async def test_part2_goals_and_psychotherapy_notes_are_never_drafted_from(gateway):
    _, _, evidence, drafts = await draft(gateway, "bh-006")
    abstinence = drafts["goal-bh-006-1"]  # 42 CFR Part 2
    assert evidence.goals[0].withheld and abstinence.sentences[0].text.startswith(
        "Labeled 42 CFR Part 2: not drafted"
    )
    assert "alcohol" not in abstinence.summary.lower()
    labeled = {n.source for n in await gateway.notes_since("bh-006", None) if n.restricted}
    assert labeled  # the seed labels bh-006's substance-use notes 42 CFR Part 2
    assert not labeled & {q.source for g in evidence.goals for q in g.quotes}

    _, _, evidence, _ = await draft(gateway, "bh-004")  # has a psychotherapy note
    quoted = {q.source for g in evidence.goals for q in g.quotes}
    assert "DocumentReference/psynote-bh-004" not in quoted
    assert "Vikram" not in str([q.text for g in evidence.goals for q in g.quotes])


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Use a daily planner for all classes", "Use a daily planner for all classes,"),
        ("Re-engage in one weekly social activity", "Re-engage in one weekly social activity,"),
        (
            "Give a presentation at work without leaving early",
            "Give a presentation at work without leaving early "
            "[clinician to complete: how often or how much],",
        ),
    ],
)
def test_revised_wording_asks_for_an_amount_only_where_the_goal_states_none(description, expected):
    from copilot.ehr.plans import PlanGoal
    from copilot.plans.evidence import GoalEvidence

    goal = PlanGoal("g", "1", description, "active", "in-progress")
    wording = revised_wording(GoalEvidence(goal), date(2027, 3, 1))
    assert wording.startswith(expected)
    assert wording.endswith("recorded at each session; review by Mar 1, 2027.")
