"""Structured questions on the behavioral-health clients, answered exactly from FHIR data.

Expected values come from plain FHIR reads of the sandbox (tests/qa/conftest.py) and the
seed's constants (sandbox/seed/behavioral-health.mjs), never from the answerer itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from copilot.measures import GAD7, PHQ9
from copilot.qa.structured import answer_structured

from .conftest import shown


def sources(answer) -> set[str]:
    return {c.source for s in answer.sentences for c in s.citations}


async def test_the_latest_phq9_is_stated_with_band_date_and_change(gateway, fhir):
    scores = fhir.scores("bh-001", PHQ9.total_loinc)
    (prev_day, prev, _), (day, total, source) = scores[-2], scores[-1]
    chart = await gateway.chart("bh-001")

    answer = answer_structured("What is her latest PHQ-9?", chart)

    assert total == 6  # the seed's trajectory for bh-001 ends at 6
    assert answer.kind == "structured" and answer.found
    assert answer.sentences[0].text == f"The latest PHQ-9 is 6 (mild) on {shown(day)}."
    assert f"down {prev - 6} points from {prev} on {shown(prev_day)}" in answer.text
    assert source in sources(answer)


async def test_three_months_ago_picks_the_nearest_administration_and_says_its_date(gateway, fhir):
    chart = await gateway.chart("bh-001")
    target = chart.read_at.date() - relativedelta(months=3)
    scores = fhir.scores("bh-001", PHQ9.total_loinc)
    day, total, source = min(scores, key=lambda s: (abs((s[0].date() - target).days), s[0]))

    answer = answer_structured("What was her PHQ-9 three months ago?", chart)

    assert f"({shown(target)})" in answer.text
    assert f"was taken on {shown(day)}: {total} ({PHQ9.severity(total)})" in answer.text
    assert sources(answer) == {source}


async def test_a_score_on_an_exact_date_is_read_from_that_observation(gateway, fhir):
    day, total, source = fhir.scores("bh-002", GAD7.total_loinc)[2]
    chart = await gateway.chart("bh-002")

    answer = answer_structured(f"GAD-7 on {day.date().isoformat()}?", chart)

    assert answer.text == f"On {shown(day)} the GAD-7 was {total} ({GAD7.severity(total)})."
    assert sources(answer) == {source}


async def test_a_trend_gives_first_to_last_with_the_change_and_every_score(gateway, fhir):
    scores = fhir.scores("bh-003", PHQ9.total_loinc)
    chart = await gateway.chart("bh-003")

    answer = answer_structured("How has the PHQ-9 trended?", chart)

    first, last = scores[0], scores[-1]
    assert (first[1], last[1]) == (8, 17)  # the seed: bh-003 worsens 8 -> 17
    assert answer.sentences[0].text == (
        f"PHQ-9 went from 8 (mild) on {shown(first[0])} to 17 (moderately severe) on "
        f"{shown(last[0])}, up 9 points over {len(scores)} administrations."
    )
    listing = "; ".join(f"{t} on {shown(d)}" for d, t, _ in scores)
    assert answer.sentences[1].text == f"All PHQ-9 totals: {listing}."
    assert sources(answer) == {s for _, _, s in scores}


async def test_a_positive_item9_is_called_out_with_the_latest_score(gateway, fhir):
    day, _, source = fhir.scores("bh-003", PHQ9.total_loinc)[-1]
    chart = await gateway.chart("bh-003")

    answer = answer_structured("latest phq9", chart)

    assert (
        f"item 9 (thoughts of being better off dead or of self-harm) was scored 1 on {shown(day)}"
        in answer.text
    )
    assert "suicide-risk assessment" in answer.text


async def test_scores_in_a_window_list_only_that_window(gateway, fhir):
    chart = await gateway.chart("bh-007")
    since = chart.read_at.date() - timedelta(weeks=6)
    inside = [s for s in fhir.scores("bh-007", GAD7.total_loinc) if s[0].date() >= since]

    answer = answer_structured("GAD-7 scores in the past 6 weeks", chart)

    assert len(inside) >= 2
    listing = "; ".join(f"{t} on {shown(d)}" for d, t, _ in inside)
    assert f"All GAD-7 totals: {listing}." in answer.text


async def test_the_intake_score_is_the_first_administration(gateway, fhir):
    day, total, _ = fhir.scores("bh-006", GAD7.total_loinc)[0]
    chart = await gateway.chart("bh-006")

    answer = answer_structured("What was the GAD-7 at intake?", chart)

    assert total == 15  # the seed: bh-006's GAD-7 starts at 15
    assert answer.text == f"The first GAD-7 in the chart is 15 (severe) on {shown(day)}."


async def test_a_client_without_an_instrument_gets_a_plain_none_recorded(gateway):
    chart = await gateway.chart("bh-007")
    answer = answer_structured("What is the PHQ-9?", chart)
    assert answer.text == "No PHQ-9 scores are recorded in the chart."
    assert not answer.found


async def test_the_medication_start_date_is_the_statements_effective_start(gateway, fhir):
    statement = fhir.read("MedicationStatement", "med-bh-001-1")
    chart = await gateway.chart("bh-001")
    session3 = fhir.scores("bh-001", PHQ9.total_loinc)[1][0]  # sertraline starts at session 3

    answer = answer_structured("When did we start sertraline?", chart)

    start = datetime.fromisoformat(statement["effectivePeriod"]["start"]).date()
    assert start == session3.date()
    assert answer.text == (
        f"Sertraline 50 MG Oral Tablet was started on {shown(start)} "
        "(50 mg by mouth once daily; active)."
    )
    assert sources(answer) == {"MedicationStatement/med-bh-001-1"}


async def test_current_medications_are_listed_and_stopped_ones_are_not(gateway, fhir):
    start = fhir.read("MedicationStatement", "med-bh-007-1")["effectivePeriod"]["start"]
    chart = await gateway.chart("bh-007")
    answer = answer_structured("What meds is she on?", chart)
    assert answer.text == (
        "Escitalopram 10 MG Oral Tablet: 10 mg by mouth once daily; active, started "
        f"{shown(datetime.fromisoformat(start))}."
    )


async def test_with_no_active_medication_the_stopped_one_is_given_with_its_dates(gateway, fhir):
    statement = fhir.read("MedicationStatement", "med-bh-004-1")
    assert statement["status"] == "stopped"
    start, end = (datetime.fromisoformat(statement["effectivePeriod"][k]) for k in ("start", "end"))

    answer = answer_structured("is she on any meds right now", await gateway.chart("bh-004"))

    assert answer.text == (
        "No active medications are recorded in the chart. Bupropion hydrochloride 150 MG 24HR "
        "Extended Release Oral Tablet: 150 mg by mouth every morning; started "
        f"{shown(start)}, stopped {shown(end)}."
    )
    assert sources(answer) == {"MedicationStatement/med-bh-004-1"}
    when = answer_structured("when did she stop bupropion?", await gateway.chart("bh-004"))
    assert f"stopped {shown(end)}" in when.text


async def test_past_medications_are_added_only_when_asked_about(gateway):
    chart = await gateway.chart("bh-007")
    assert chart.past_medications == ()  # bh-007 has one active medication, none stopped

    answer = answer_structured("any previous medications?", chart)

    assert sources(answer) == {"MedicationStatement/med-bh-007-1"}


async def test_diagnoses_give_icd10_codes_and_onset(gateway, fhir):
    condition = fhir.read("Condition", "dx-bh-001-1")
    chart = await gateway.chart("bh-001")

    answer = answer_structured("What are her diagnoses?", chart)

    onset = datetime.fromisoformat(condition["onsetDateTime"])
    assert answer.text == (
        f"Major depressive disorder, recurrent, moderate (ICD-10-CM F33.1), onset {shown(onset)}."
    )
    assert sources(answer) == {"Condition/dx-bh-001-1"}


async def test_resolved_diagnoses_are_given_when_asked_about_with_the_day_they_ended(gateway, fhir):
    resolved = fhir.read("Condition", "dx-bh-008-2")
    assert resolved["clinicalStatus"]["coding"][0]["code"] == "resolved"
    ended = datetime.fromisoformat(resolved["abatementDateTime"])
    chart = await gateway.chart("bh-008")

    past = answer_structured("does Daniel have any resolved diagnoses", chart)
    current = answer_structured("what are his diagnoses", chart)

    assert past.sentences[0].text.startswith(
        "Adjustment disorder with depressed mood (ICD-10-CM F43.21), onset "
    )
    assert past.sentences[0].text.endswith(f"; resolved {shown(ended)}.")
    assert past.sentences[0].citations[0].source == "Condition/dx-bh-008-2"
    assert "Condition/dx-bh-008-2" not in sources(current)
    assert sources(current) == {d.source for d in chart.diagnoses} != set()


async def test_a_client_without_past_diagnoses_is_told_so_before_the_active_ones(gateway):
    chart = await gateway.chart("bh-001")

    answer = answer_structured("any past diagnoses?", chart)

    assert answer.sentences[0].text == "No past diagnoses are recorded in the chart."
    assert sources(answer) == {"Condition/dx-bh-001-1"}


async def test_the_care_team_answers_who_supervises_and_who_is_on_it(gateway, fhir):
    team = fhir.read("CareTeam", "careteam-bh-003")
    roles = {p["role"][0]["text"]: p["member"]["display"] for p in team["participant"]}
    chart = await gateway.chart("bh-003")

    supervisor = answer_structured("who's supervising Alex's case?", chart)
    everyone = answer_structured("who is on the care team?", chart)

    assert supervisor.text == f"Supervisor: {roles['Supervisor']}."
    assert sources(supervisor) == {"CareTeam/careteam-bh-003"}
    assert everyone.text == " ".join(f"{role}: {name}." for role, name in roles.items())
    assert len(roles) == 2 and answer_structured("what did we work on?", chart) is None
    nobody = answer_structured("who is Alex's psychiatrist", chart)
    assert nobody.text == "No psychiatrist is recorded on the care team." and not nobody.found


async def test_part2_diagnoses_are_left_out_unless_consent_is_recorded(gateway):
    chart = await gateway.chart("bh-006")

    withheld = answer_structured("What are the diagnoses?", chart)
    consented = answer_structured("What are the diagnoses?", chart, include_restricted=True)

    assert "F10.20" not in withheld.text and "Alcohol" not in withheld.text
    assert "restricted" not in withheld.text.lower()
    assert withheld.text.startswith("Generalized anxiety disorder (ICD-10-CM F41.1)")
    assert "Alcohol dependence, uncomplicated (ICD-10-CM F10.20)" in consented.text


async def test_part2_medications_are_left_out_unless_consent_is_recorded(gateway):
    chart = await gateway.chart("bh-006")

    withheld = answer_structured("What medications is he on?", chart)
    named = answer_structured("When did he start naltrexone?", chart)
    consented = answer_structured("What medications is he on?", chart, include_restricted=True)

    assert "naltrexone" not in withheld.text.lower()
    assert named is None or "naltrexone" not in named.text.lower()
    assert "naltrexone" in consented.text.lower()


async def test_the_next_appointment_is_the_planned_encounter(gateway, fhir):
    planned = fhir.read("Encounter", "enc-bh-002-next")
    start = datetime.fromisoformat(planned["period"]["start"].replace("Z", "+00:00"))
    chart = await gateway.chart("bh-002")

    answer = answer_structured("When is the next appointment?", chart)

    assert answer.text == (
        f"The next appointment is on {start:%A} {shown(start)} at {start:%H:%M} "
        "(Psychotherapy, 45 minutes with patient; planned)."
    )
    assert sources(answer) == {"Encounter/enc-bh-002-next"}


async def test_open_questions_are_left_to_retrieval(gateway):
    chart = await gateway.chart("bh-001")
    for question in (
        "Has she mentioned her sister before?",
        "Summarize the themes of the last four sessions",
        "What homework did we agree on?",
    ):
        assert answer_structured(question, chart) is None, question


async def test_a_score_at_a_medication_start_uses_the_statements_start_date(gateway, fhir):
    start = fhir.read("MedicationStatement", "med-bh-001-1")["effectivePeriod"]["start"]
    day = datetime.fromisoformat(start).date()
    scores = fhir.scores("bh-001", PHQ9.total_loinc)
    _, total, source = next(s for s in scores if s[0].date() == day)
    chart = await gateway.chart("bh-001")

    answer = answer_structured("What was her PHQ-9 when she started sertraline?", chart)

    assert answer.text == f"On {shown(day)} the PHQ-9 was {total} ({PHQ9.severity(total)})."
    assert sources(answer) == {source}


async def test_treatment_plan_goals_are_listed_with_status_and_cited(gateway, fhir):
    goals = fhir.search("Goal", subject="Patient/bh-001")
    chart = await gateway.chart("bh-001")

    answer = answer_structured("what were her goals", chart)

    assert answer.kind == "structured" and len(answer.sentences) == len(goals) == 3
    assert sources(answer) == {f"Goal/{g['id']}" for g in goals}
    assert "Sleep at least 6 hours on 5 of 7 nights (improving" in answer.text


async def test_how_often_the_client_is_seen_is_the_treatment_plans_description(gateway, fhir):
    plan = fhir.read("CarePlan", "plan-bh-004")
    assert "every two weeks" in plan["description"]  # bh-004 is seen fortnightly
    chart = await gateway.chart("bh-004")

    answer = answer_structured("how often am I seeing Priya", chart)
    named = answer_structured("what's in her treatment plan and goals?", chart)

    assert answer.text.startswith(f"{plan['title']} (since ")
    assert plan["description"] in answer.text
    assert sources(answer) == {"CarePlan/plan-bh-004"}
    assert named.sentences[0].citations[0].source == "CarePlan/plan-bh-004"
    assert {c.source.split("/")[0] for s in named.sentences[1:] for c in s.citations} == {"Goal"}
    assert answer_structured("how often does she drink coffee", chart) is None


async def test_progress_on_a_measure_goal_gives_the_goal_then_the_scores(gateway):
    chart = await gateway.chart("bh-002")

    answer = answer_structured("is James making progress on the GAD-7 goal?", chart)

    assert answer.sentences[0].text.startswith("Goal: Reduce GAD-7 total below 10")
    assert any(s.startswith("Observation/") for s in sources(answer))


async def test_what_a_session_held_is_not_answered_with_its_date(gateway):
    chart = await gateway.chart("bh-001")
    assert answer_structured("what did we work on last session?", chart) is None
    assert answer_structured("when was the last session?", chart) is not None
