"""The prior-authorization narrative and its preauthorization Claim: every sentence
sourced from the course of care, nothing the chart does not hold, Part 2 never named."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.claim import Claim

from copilot.chart import Client, Medication
from copilot.claims.priorauth import (
    IOP,
    OUTPATIENT,
    PARTS,
    PriorAuthRequest,
    Sentence,
    letter_text,
    narrative,
    preauth_resource,
    request_diagnoses,
)
from copilot.drafting.chart_facts import format_date
from copilot.ehr.base import Agent
from copilot.ehr.course import (
    CourseCondition,
    CourseGoal,
    CourseOfCare,
    Intervention,
    RiskEvent,
    TherapySession,
)
from copilot.measures import GAD7, PHQ9, MeasureResult, MeasureSeries

TODAY = date(2026, 12, 7)
FIRST = datetime(2026, 9, 7, 15, tzinfo=UTC)
CLIENT = Client(
    id="c1", name="Test Client", birth_date=None, age=None, gender=None, pronouns=None, mrn=None
)
MDD = CourseCondition(
    "Major depressive disorder, recurrent, moderate",
    "F33.1",
    "active",
    None,
    None,
    "Condition/dx-1",
)
ALCOHOL = CourseCondition(
    "Alcohol dependence, uncomplicated",
    "F10.20",
    "active",
    None,
    None,
    "Condition/dx-2",
    restricted=True,
)
ADJUSTMENT = CourseCondition(
    "Adjustment disorder with depressed mood",
    "F43.21",
    "resolved",
    None,
    date(2025, 11, 2),
    "Condition/dx-3",
)
CHEN, PATEL = Agent("pr-chen", "Mei Chen"), Agent("pr-patel", "Arjun Patel")
REQUEST = PriorAuthRequest(OUTPATIENT, "90834", sessions=12, start=date(2026, 12, 14), weeks=12)


def series(instrument, totals: list[int], every: int = 14) -> MeasureSeries:
    return MeasureSeries.of(
        instrument,
        [
            MeasureResult(
                instrument,
                total,
                FIRST + timedelta(days=every * n, minutes=50),
                f"Observation/{instrument.key}-{n}",
            )
            for n, total in enumerate(totals)
        ],
    )


def sessions(count: int, every: int = 7) -> tuple[TherapySession, ...]:
    return tuple(
        TherapySession(FIRST + timedelta(days=every * n), "90834", f"Encounter/enc-{n}")
        for n in range(count)
    )


def course(**changes) -> CourseOfCare:
    """12 weekly sessions, F33.1 (and a Part 2 F10.20), PHQ-9 19 → 14, GAD-7 12 → 9,
    an open goal and a Part 2 one, sertraline (and a stopped and a Part 2 medication),
    two interventions, SI denied in 12 notes."""
    base = CourseOfCare(
        client=CLIENT,
        sessions=sessions(12),
        conditions=(MDD, ALCOHOL, ADJUSTMENT),
        medications=(
            Medication("sertraline 50 MG Oral Tablet", None, "active", None, None, "Med/m1"),
            Medication("bupropion 150 MG", None, "stopped", None, None, "Med/m2", end=TODAY),
            Medication("naltrexone 50 MG", None, "active", None, None, "Med/m3", restricted=True),
        ),
        phq9=series(PHQ9, [19, 17, 16, 15, 14, 14]),
        gad7=series(GAD7, [12, 11, 9]),
        goals=(
            CourseGoal("Reduce PHQ-9 total below 10", "active", "improving", None, None, "Goal/g1"),
            CourseGoal("Maintain abstinence", "active", None, None, None, "Goal/g2", True),
        ),
        interventions=(
            Intervention("behavioral activation", date(2026, 9, 14), date(2026, 11, 2), ("D/n1",)),
        ),
        denials=12,
        last_denial="DocumentReference/n12",
        notes_read=12,
    )
    return dataclasses.replace(base, **changes)


def references_in(course: CourseOfCare) -> set[str]:
    """Every FHIR reference the course holds."""
    found = {s.source for s in course.sessions} | {c.source for c in course.conditions}
    found |= {m.source for m in course.medications} | {g.source for g in course.goals}
    found |= {r.source for s in (course.phq9, course.gad7) for r in s.results}
    found |= {r for i in course.interventions for r in i.sources}
    found |= {e.source for e in course.risk_history} | {course.last_denial} - {None}
    return found


def parts(sentences) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for sentence in sentences:
        found.setdefault(sentence.part, []).append(sentence.text)
    return found


def test_every_sentence_cites_references_the_course_holds():
    the_course = course()
    sentences = narrative(the_course, REQUEST, today=TODAY)

    assert list(parts(sentences)) == list(PARTS)
    held = references_in(the_course)
    for sentence in sentences:
        assert sentence.sources, sentence.text
        assert set(sentence.sources) <= held, sentence.text


def test_a_sentence_without_a_source_cannot_be_made():
    with pytest.raises(ValueError, match="needs a source"):
        Sentence("PHQ-9 is 14.", (), "measures")


def test_the_measures_give_the_courses_baseline_and_latest_totals_and_outcomes():
    the_course = course()
    measures = parts(narrative(the_course, REQUEST, today=TODAY))["measures"]

    phq9 = the_course.phq9
    first, last = phq9.baseline, phq9.latest
    assert measures[0] == (
        f"PHQ-9: 19 (moderately severe) on {format_date(first.effective)} → 14 (moderate) on "
        f"{format_date(last.effective)}, -5 points (-26%) over 6 administrations."
    )
    assert measures[1] == "PHQ-9 response (a drop of at least 50% from baseline) not reached."
    assert measures[2] == "PHQ-9 remission (PHQ-9 below 5) not reached; latest 14."
    assert measures[3].startswith("Reliable improvement on the PHQ-9: 5 points below baseline")
    assert re.match(r"GAD-7: 12 \(moderate\) on .+ → 9 \(mild\) on .+, -3 points", measures[4])


def test_a_rise_of_five_points_is_a_reliable_deterioration_and_four_no_reliable_change():
    worse = parts(narrative(course(phq9=series(PHQ9, [10, 15])), REQUEST, today=TODAY))
    same = parts(narrative(course(phq9=series(PHQ9, [10, 14])), REQUEST, today=TODAY))

    assert worse["measures"][3].startswith("Reliable deterioration on the PHQ-9: 5 points above")
    assert same["measures"][3].startswith("No reliable change on the PHQ-9: +4 points")


def test_a_change_of_one_point_is_one_point():
    measures = parts(narrative(course(phq9=series(PHQ9, [10, 9])), REQUEST, today=TODAY))

    assert ", -1 point (-10%) over 2 administrations." in measures["measures"][0]
    assert measures["measures"][3].startswith("No reliable change on the PHQ-9: -1 point from")


def test_the_why_sentence_names_only_chart_facts_and_cites_them():
    the_course = course()
    (why,) = parts(narrative(the_course, REQUEST, today=TODAY))["request"]
    sentence = narrative(the_course, REQUEST, today=TODAY)[-1]

    latest = format_date(the_course.phq9.latest.effective)
    assert why == (
        f"After 12 sessions since {format_date(FIRST)}, PHQ-9 is 14 (moderate) on {latest}, "
        "down from 19 at baseline, short of remission (below 5); GAD-7 is 9 (mild) on "
        f"{format_date(the_course.gad7.latest.effective)}, down from 12 at baseline; 1 of 1 "
        "treatment-plan goal is not yet recorded as met; continued weekly individual "
        "psychotherapy (CPT 90834; 12 sessions over 12 weeks from Dec 14, 2026 to Mar 7, 2027) "
        "is requested for F33.1 to reach the treatment-plan goals."
    )
    assert sentence.sources == (
        "Condition/dx-1",
        "Encounter/enc-0",
        "Encounter/enc-11",
        "Observation/phq9-0",
        "Observation/phq9-5",
        "Observation/gad7-0",
        "Observation/gad7-2",
        "Goal/g1",
    )


def test_in_remission_with_goals_met_the_request_says_no_more_than_the_diagnosis():
    met = CourseGoal("Reduce PHQ-9 total below 10", "completed", "achieved", None, None, "Goal/g1")
    calm = course(sessions=(), phq9=series(PHQ9, [12, 4]), gad7=series(GAD7, [3]), goals=(met,))

    sentence = narrative(calm, REQUEST, today=TODAY)[-1]

    assert sentence.text.startswith("Continued weekly individual psychotherapy (CPT 90834;")
    assert sentence.text.endswith("is requested for F33.1.")
    assert sentence.sources == ("Condition/dx-1",)


def test_part2_diagnoses_goals_and_medications_never_appear():
    the_course = course(risk_history=())
    sentences = narrative(the_course, REQUEST, today=TODAY)
    text = letter_text(sentences)

    for withheld in ("F10.20", "Alcohol", "abstinence", "naltrexone"):
        assert withheld not in text
    cited = {r for s in sentences for r in s.sources}
    assert not cited & {"Condition/dx-2", "Goal/g2", "Med/m3"}
    resource = preauth_resource(
        client_id="c1",
        request=REQUEST,
        sentences=sentences,
        rendering=CHEN,
        supervising=None,
        diagnoses=request_diagnoses(the_course),
        claim_id="pa-1",
        created=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )
    assert "F10.20" not in str(resource)


def test_diagnoses_are_named_with_their_icd10_codes_the_resolved_as_previous():
    diagnoses = parts(narrative(course(), REQUEST, today=TODAY))["diagnoses"]

    assert diagnoses == [
        "Diagnosis: F33.1 Major depressive disorder, recurrent, moderate.",
        "Previous diagnosis: F43.21 Adjustment disorder with depressed mood "
        "(resolved since Nov 2, 2025).",
    ]


def test_treatment_history_gives_the_first_session_count_cadence_and_interventions():
    history = parts(narrative(course(), REQUEST, today=TODAY))["history"]
    fortnightly = parts(narrative(course(sessions=sessions(5, 14)), REQUEST, today=TODAY))

    assert history[0].startswith(f"Treatment from {format_date(FIRST)} to ")
    assert history[0].endswith(": 12 therapy sessions (CPT 90834).")
    assert history[1] == "Sessions were held weekly (a median of 7 days apart)."
    assert history[2].startswith("Behavioral activation: named in 1 note")
    assert fortnightly["history"][1] == (
        "Sessions were held every two weeks (a median of 14 days apart)."
    )


def test_two_sessions_give_no_cadence():
    history = parts(narrative(course(sessions=sessions(2)), REQUEST, today=TODAY))["history"]

    assert not any(s.startswith("Sessions were held") for s in history)


def test_only_medications_current_today_are_named():
    medications = parts(narrative(course(), REQUEST, today=TODAY))["medications"]
    ended = parts(narrative(course(), REQUEST, today=TODAY + timedelta(days=1)))

    assert medications == ["Medication: sertraline 50 MG Oral Tablet."]
    assert ended["medications"] == ["Medication: sertraline 50 MG Oral Tablet."]
    assert "bupropion" not in letter_text(narrative(course(), REQUEST, today=TODAY))


def test_risk_events_are_dated_and_the_latest_is_part_of_the_why():
    events = (
        RiskEvent(date(2026, 9, 28), "suicidal_ideation", "Passive SI this week", "D/n4"),
        RiskEvent(date(2026, 9, 28), "phq9_item9", "PHQ-9 item 9 scored 1", "Observation/phq9-2"),
    )
    sentences = narrative(course(risk_history=events), REQUEST, today=TODAY)
    found = parts(sentences)

    assert found["risk"][0] == (
        "Sep 28, 2026: suicidal ideation documented: “Passive SI this week.”"
    )
    assert found["risk"][-1] == "Suicidal or homicidal ideation denied in 12 notes of 12 read."
    assert (
        "suicidal ideation and PHQ-9 item 9 positive documented on Sep 28, 2026"
        in (found["request"][0])
    )
    assert {"D/n4", "Observation/phq9-2"} <= set(sentences[-1].sources)


def test_risk_about_another_person_is_no_reason_in_the_why():
    other = RiskEvent(date(2026, 10, 5), "homicidal_ideation", "Her brother threatened", "D/n5")
    sentences = narrative(
        course(risk_history=(dataclasses.replace(other, about_other=True),)), REQUEST, today=TODAY
    )

    assert "(about another person)" in parts(sentences)["risk"][0]
    assert "documented on" not in sentences[-1].text and "D/n5" not in sentences[-1].sources


def test_a_course_without_measures_has_no_measure_sentence():
    bare = course(phq9=MeasureSeries(PHQ9), gad7=MeasureSeries(GAD7))
    sentences = narrative(bare, REQUEST, today=TODAY)

    assert "measures" not in parts(sentences)
    assert not any(r.startswith("Observation/") for s in sentences for r in s.sources)
    assert "PHQ-9 is" not in sentences[-1].text and "GAD-7" not in sentences[-1].text


def test_parts_the_course_holds_nothing_for_are_left_out():
    bare = CourseOfCare(client=CLIENT, conditions=(MDD,))

    sentences = narrative(bare, REQUEST, today=TODAY)

    assert [s.part for s in sentences] == ["diagnoses", "request"]


@pytest.mark.parametrize("conditions", [(), (ALCOHOL,), (ADJUSTMENT,)])
def test_a_course_without_a_disclosable_active_diagnosis_raises(conditions):
    with pytest.raises(ValueError, match="no medical necessity can be shown"):
        narrative(course(conditions=conditions), REQUEST, today=TODAY)


@pytest.mark.parametrize(
    ("kind", "code", "sessions", "weeks"),
    [
        (OUTPATIENT, "S9480", 12, 12),
        (IOP, "90834", 12, 12),
        ("inpatient", "90834", 12, 12),
        (OUTPATIENT, "90832", 12, 12),
        (OUTPATIENT, "90834", 0, 12),
        (IOP, "S9480", 15, 2),
    ],
)
def test_a_request_the_services_do_not_allow_raises(kind, code, sessions, weeks):
    with pytest.raises(ValueError):
        PriorAuthRequest(kind, code, sessions=sessions, start=TODAY, weeks=weeks)


def test_the_letter_has_one_paragraph_per_part_under_its_heading():
    sentences = narrative(course(), REQUEST, today=TODAY)
    letter = letter_text(sentences)

    paragraphs = letter.split("\n\n")
    assert [p.split("\n")[0] for p in paragraphs] == list(PARTS.values())
    assert paragraphs[0] == (
        "Diagnoses\nDiagnosis: F33.1 Major depressive disorder, recurrent, moderate. "
        "Previous diagnosis: F43.21 Adjustment disorder with depressed mood "
        "(resolved since Nov 2, 2025)."
    )
    assert all(s.text in letter for s in sentences)


def preauth(request=REQUEST, supervising=PATEL):
    the_course = course()
    sentences = narrative(the_course, request, today=TODAY)
    return sentences, preauth_resource(
        client_id="c1",
        request=request,
        sentences=sentences,
        rendering=CHEN,
        supervising=supervising,
        diagnoses=request_diagnoses(the_course),
        claim_id="pa-1",
        created=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )


def test_the_preauthorization_claim_validates_and_carries_the_request_and_narrative():
    sentences, resource = preauth()

    claim = Claim.model_validate(resource)
    assert (claim.use, claim.status) == ("preauthorization", "draft")
    assert claim.type.coding[0].code == "professional"
    assert claim.priority.coding[0].code == "normal"
    assert claim.identifier[0].value == "urn:uuid:pa-1"
    assert claim.meta.security[0].code == "AIAST"
    (item,) = resource["item"]
    assert item["productOrService"]["coding"][0]["code"] == "90834"
    assert item["productOrService"]["coding"][0]["system"] == "http://www.ama-assn.org/go/cpt"
    assert item["quantity"] == {"value": 12}
    assert item["servicedPeriod"] == {"start": "2026-12-14", "end": "2027-03-07"}
    assert item["careTeamSequence"] == [1, 2] and item["informationSequence"] == [1]
    assert [m["role"]["coding"][0]["code"] for m in resource["careTeam"]] == [
        "primary",
        "supervisor",
    ]
    assert [d["diagnosisCodeableConcept"]["coding"][0]["code"] for d in resource["diagnosis"]] == [
        "F33.1"
    ]
    (info,) = resource["supportingInfo"]
    assert info["category"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/claiminformationcategory",
        "code": "info",
    }
    assert info["valueString"] == letter_text(sentences)
    assert sentences[-1].text in info["valueString"]


def test_an_intensive_outpatient_request_is_hcpcs_per_diem():
    iop = PriorAuthRequest(IOP, "S9480", sessions=36, start=date(2026, 12, 14), weeks=12)
    sentences, resource = preauth(iop, supervising=None)

    (item,) = resource["item"]
    assert item["productOrService"]["coding"][0]["system"].endswith("HCPCSReleaseCodeSets")
    assert item["quantity"] == {"value": 36}
    assert [m["sequence"] for m in resource["careTeam"]] == [1]
    assert "an intensive outpatient program (HCPCS S9480, per diem; 36 days over 12 weeks" in (
        sentences[-1].text
    )


@pytest.mark.parametrize(
    ("diagnoses", "message"),
    [
        ((), "at least one diagnosis"),
        ((MDD, ALCOHOL), "42 CFR Part 2"),
        ((dataclasses.replace(MDD, icd10=None),), "not coded in ICD-10-CM"),
    ],
)
def test_the_claim_refuses_diagnoses_it_cannot_send(diagnoses, message):
    with pytest.raises(ValueError, match=message):
        preauth_resource(
            client_id="c1",
            request=REQUEST,
            sentences=narrative(course(), REQUEST, today=TODAY),
            rendering=CHEN,
            supervising=None,
            diagnoses=diagnoses,
            claim_id="pa-1",
            created=datetime(2026, 12, 7, 9, tzinfo=UTC),
        )


async def test_bh001_narrative_names_f33_1_and_the_phq9_from_19_to_6(gateway):
    the_course = await gateway.course_of_care("bh-001")
    sentences = narrative(the_course, REQUEST, today=timezone.localdate())
    found = parts(sentences)

    assert found["diagnoses"][0] == (
        "Diagnosis: F33.1 Major depressive disorder, recurrent, moderate."
    )
    assert re.match(
        r"PHQ-9: 19 \(moderately severe\) on .+ → 6 \(mild\) on .+, -13 points \(-68%\)",
        found["measures"][0],
    )
    assert any(
        s.startswith("Reliable improvement on the PHQ-9: 13 points") for s in found["measures"]
    )
    assert "sertraline" in found["medications"][0]
    assert found["request"][0].startswith(
        f"After {len(the_course.sessions)} sessions since "
        f"{format_date(the_course.sessions[0].start)}, PHQ-9 is 6 (mild)"
    )
    held = references_in(the_course)
    assert all(s.sources and set(s.sources) <= held for s in sentences)  # all bh-001's


async def test_bh006_part2_entries_stay_out_of_the_request(gateway):
    the_course = await gateway.course_of_care("bh-006")
    sentences = narrative(the_course, REQUEST, today=timezone.localdate())
    letter = letter_text(sentences)

    for withheld in ("F10.20", "Alcohol", "alcohol", "abstinence", "naltrexone"):
        assert withheld not in letter
    assert "F41.1 Generalized anxiety disorder" in letter
    assert "medications" not in parts(sentences)  # naltrexone is its only one, and Part 2
    assert [dx.icd10 for dx in request_diagnoses(the_course)] == ["F41.1"]
