"""Discharge summaries of the sandbox's behavioral-health clients: what the course of
care holds, and nothing it does not."""

from __future__ import annotations

import re

import pytest

from copilot.drafting.chart_facts import format_date

from .conftest import CLIENT_FORMS, references, summarize, text_of

SECTIONS = ["course", "interventions", "measures", "goals", "risk", "aftercare"]


def fhir_total(sandbox_control, query: str) -> int:
    bundle = sandbox_control._fhir("GET", f"{query}&_summary=count")
    return bundle["total"]


def sentences(section) -> list[str]:
    return [s.text for s in section.sentences]


async def test_bh001_course_measures_and_goals_are_the_charts(gateway, sandbox_control):
    sections = await summarize(gateway, "bh-001", "discharge")
    assert list(sections) == SECTIONS
    sessions = fhir_total(sandbox_control, "Encounter?subject=Patient/bh-001&status=finished")
    course = sections["course"].text
    assert f": {sessions} therapy sessions (CPT 90791, 90834, 90837)." in course
    assert "Diagnosis: F33.1 Major depressive disorder, recurrent, moderate." in course
    first = sections["course"].sentences[0]
    assert [s.reference for s in first.sources] == [
        "Encounter/enc-bh-001-01",
        f"Encounter/enc-bh-001-{sessions:02d}",
    ]
    measures = sentences(sections["measures"])
    assert re.match(
        r"PHQ-9: 19 \(moderately severe\) on .+ → 6 \(mild\) on .+, -13 points \(-68%\)",
        measures[0],
    )
    assert measures[1].startswith("PHQ-9 response (a drop of at least 50% from baseline) first")
    assert measures[2] == "PHQ-9 remission (PHQ-9 below 5) not reached; latest 6."
    assert any(re.match(r"GAD-7: 12 \(moderate\) on .+ → 5 \(mild\)", m) for m in measures)


async def test_no_goal_is_marked_met_that_its_goal_does_not_record(gateway):
    goals = sentences((await summarize(gateway, "bh-001", "discharge"))["goals"])
    # PHQ-9 fell to 6, below the goal's 10, but the Goal says "improving": not met.
    assert goals == [
        "Goal not recorded as met: Reduce PHQ-9 total below 10 within 12 weeks "
        "(achievementStatus improving, lifecycleStatus active).",
        "Goal not recorded as met: Schedule and complete at least 3 pleasant activities per "
        "week (achievementStatus in-progress, lifecycleStatus active).",
        "Goal not recorded as met: Sleep at least 6 hours on 5 of 7 nights "
        "(achievementStatus improving, lifecycleStatus active).",
    ]
    assert not any(g.startswith(("Goal met", "Goal not met")) for g in goals)


async def test_goals_are_met_or_not_met_exactly_as_their_achievement_status(
    gateway, sandbox_control, new_client
):
    def goal(text: str, lifecycle: str, achievement: str | None) -> dict:
        resource = {
            "resourceType": "Goal",
            "lifecycleStatus": lifecycle,
            "description": {"text": text},
            "subject": {"reference": f"Patient/{new_client}"},
        }
        if achievement:
            system = "http://terminology.hl7.org/CodeSystem/goal-achievement"
            resource["achievementStatus"] = {"coding": [{"system": system, "code": achievement}]}
        return sandbox_control.create(resource)

    made = [
        goal("Return to work", "completed", "achieved"),
        goal("Run a 5k", "cancelled", "not-achieved"),
        goal("Sleep 7 hours", "completed", None),
        goal("Keep a mood log", "active", "sustaining"),
    ]
    goals = sentences((await summarize(gateway, new_client, "discharge"))["goals"])
    assert goals == [
        "Goal met: Return to work (achievementStatus achieved, lifecycleStatus completed).",
        "Goal met: Keep a mood log (achievementStatus sustaining, lifecycleStatus active).",
        "Goal not met: Run a 5k (achievementStatus not-achieved, lifecycleStatus cancelled).",
        "Goal not recorded as met: Sleep 7 hours (achievementStatus not recorded, "
        "lifecycleStatus completed).",
    ]
    for resource in made:
        sandbox_control.delete(f"Goal/{resource['id']}")


async def test_bh008_worsening_with_passive_si_at_session_4(gateway, sandbox_control):
    sections = await summarize(gateway, "bh-008", "discharge")
    measures = sentences(sections["measures"])
    assert re.match(
        r"PHQ-9: 10 \(moderate\) on .+ → 18 \(moderately severe\) on .+, \+8 points", measures[0]
    )
    assert "PHQ-9 response (a drop of at least 50% from baseline) not reached." in measures
    session4 = sandbox_control._fhir("GET", "Encounter/enc-bh-008-04")["period"]["start"]
    day = format_date(__import__("datetime").datetime.fromisoformat(session4))
    risk = sections["risk"].sentences
    assert risk[0].text.startswith(f"{day}: suicidal ideation documented: “Client reported passive")
    assert "easier not to wake up" in risk[0].text
    assert [s.reference for s in risk[0].sources] == ["DocumentReference/note-bh-008-04"]
    assert risk[1].text == f"{day}: PHQ-9 item 9 (thoughts of death or self-harm) scored 1."
    assert [s.reference for s in risk[1].sources] == ["Observation/obs-bh-008-phq9-04"]
    assert len([s for s in risk if "documented" in s.text or "item 9" in s.text]) == 2
    course = sections["course"].text
    assert "Diagnosis: F33.1 Major depressive disorder, recurrent, moderate." in course
    assert re.search(
        r"Previous diagnosis: F43\.21 Adjustment disorder with depressed mood "
        r"\(resolved since .+\)\.",
        course,
    )
    assert "Goal met" not in sections["goals"].text


async def test_bh001_has_no_risk_event_only_its_denials(gateway):
    risk = sentences((await summarize(gateway, "bh-001", "discharge"))["risk"])
    assert risk[0].startswith("No suicidal or homicidal ideation, self-harm or positive PHQ-9")
    assert re.fullmatch(r"Suicidal or homicidal ideation denied in 16 notes of 16 read\.", risk[1])


async def test_part2_facts_are_withheld_from_bh006s_summary(gateway, sandbox_control):
    sections = await summarize(gateway, "bh-006", "discharge")
    text = text_of(sections)
    for withheld in ("F10.20", "Alcohol", "alcohol", "abstinence", "naltrexone"):
        assert withheld not in text
    assert "F41.1 Generalized anxiety disorder" in text
    labeled = sandbox_control._fhir(
        "GET", "DocumentReference?subject=Patient/bh-006&_security=42CFRPart2&_count=100"
    )
    restricted = {f"DocumentReference/{e['resource']['id']}" for e in labeled.get("entry", [])}
    restricted |= {"Condition/dx-bh-006-1", "Goal/goal-bh-006-1"}
    assert len(restricted) > 2
    cited = references(sections)
    assert cited and not cited & restricted


async def test_nothing_from_another_client(gateway):
    sections = await summarize(gateway, "bh-001", "discharge")
    cited = references(sections)
    assert cited and all("bh-001" in reference for reference in cited)
    text = text_of(sections)
    for client, forms in CLIENT_FORMS.items():
        if client != "bh-001":
            assert not any(form in text for form in forms)
    assert "sertraline" not in text  # medications are not a discharge section


async def test_interventions_are_those_the_notes_name_with_their_notes(gateway):
    interventions = (await summarize(gateway, "bh-001", "discharge"))["interventions"]
    seeded = {
        "behavioral activation",
        "activity scheduling",
        "cognitive restructuring of self-critical thoughts",
        "sleep hygiene psychoeducation",
    }
    named = {s.text.split(":")[0].lower() for s in interventions.sentences}
    assert named and named <= seeded
    total = sum(int(re.search(r"named in (\d+) note", s.text)[1]) for s in interventions.sentences)
    cited = [r.reference for s in interventions.sentences for r in s.sources]
    assert total == len(cited) and all(
        c.startswith("DocumentReference/note-bh-001-") for c in cited
    )


async def test_aftercare_placeholders_unless_the_clinicians_text_covers_them(gateway):
    empty = sentences((await summarize(gateway, "bh-001", "discharge"))["aftercare"])
    assert empty == [
        "[clinician to complete: reason for discharge]",
        "[clinician to complete: referrals]",
        "[clinician to complete: follow-up]",
        "[clinician to complete: crisis resources]",
    ]
    text = (
        "Discharged: treatment goals met by mutual agreement. Referred to her primary care "
        "physician for medication management. Follow-up booster session in three months."
    )
    aftercare = (await summarize(gateway, "bh-001", "discharge", text))["aftercare"]
    assert [s.text for s in aftercare.sentences] == [
        "Discharged: treatment goals met by mutual agreement.",
        "Referred to her primary care physician for medication management.",
        "Follow-up booster session in three months.",
        "[clinician to complete: crisis resources]",
    ]
    spans = [(s.sources[0].start, s.sources[0].end) for s in aftercare.sentences[:3]]
    assert [text[a:b] for a, b in spans] == [s.text for s in aftercare.sentences[:3]]


@pytest.mark.parametrize("client_id", ["bh-001", "bh-006", "bh-008"])
async def test_no_name_of_the_client_in_the_summary(gateway, client_id):
    text = text_of(await summarize(gateway, client_id, "discharge"))
    assert not any(form in text for form in CLIENT_FORMS[client_id])
