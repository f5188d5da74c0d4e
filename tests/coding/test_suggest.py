"""Coding suggestions: every time-band boundary, session kinds, the interactive-complexity
add-on only when documented, ICD-10-CM from the chart, and no code without evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from copilot.chart import ChartContext, Client, Diagnosis, Visit
from copilot.coding import suggest_codes

DAY = date(2026, 11, 20)
CLIENT = Client(
    id="c1", name="Test Client", birth_date=None, age=None, gender=None, pronouns=None, mrn=None
)


def chart(*diagnoses: Diagnosis, visit: Visit | None = None) -> ChartContext:
    return ChartContext(
        client=CLIENT,
        read_at=datetime(2026, 11, 21, tzinfo=UTC),
        diagnoses=diagnoses,
        last_visit=visit,
    )


def cpt(note: str, **kwargs) -> list[tuple[str, int]]:
    result = suggest_codes(note, chart(**kwargs), DAY)
    assert all(s.evidence for s in (*result.cpt, *result.icd10)), "a code without evidence"
    return [(s.code, s.units) for s in result.cpt]


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (15, []),
        (16, [("90832", 1)]),
        (37, [("90832", 1)]),
        (38, [("90834", 1)]),
        (52, [("90834", 1)]),
        (53, [("90837", 1)]),
        (90, [("90837", 1)]),
    ],
)
def test_psychotherapy_codes_follow_the_documented_minutes(minutes, expected):
    assert cpt(f"Individual psychotherapy session of {minutes} minutes. CBT for panic.") == expected


def test_a_clock_range_is_read_in_minutes_across_noon_and_with_am_pm():
    assert cpt("Session from 11:30 to 12:20 focused on exposure.") == [("90834", 1)]
    assert cpt("Met 2:05 pm - 2:58 pm. Reviewed thought records.") == [("90837", 1)]


def test_no_time_means_no_psychotherapy_code_and_says_what_is_missing():
    result = suggest_codes("Client reported better sleep. Continue CBT.", chart(), DAY)
    assert result.cpt == ()
    assert result.missing == (
        "No documented time: add the session's start and stop times or its length.",
    )


def test_minutes_unrelated_to_the_session_are_not_taken_for_its_length():
    assert cpt("Client walks 30 minutes daily. Mood improved.") == []


def test_the_encounter_of_the_session_day_gives_the_time_when_the_note_does_not():
    visit = Visit(
        start=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
        end=datetime(2026, 11, 20, 15, 45, tzinfo=UTC),
        type=None,
        status="finished",
        source="Encounter/e1",
    )
    result = suggest_codes("Reviewed coping skills.", chart(visit=visit), DAY)
    assert [(s.code, s.evidence[0].source) for s in result.cpt] == [("90834", "Encounter/e1")]
    other_day = suggest_codes("Reviewed coping skills.", chart(visit=visit), date(2026, 11, 27))
    assert other_day.cpt == ()


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (29, []),
        (30, [("90839", 1)]),
        (74, [("90839", 1)]),
        (75, [("90839", 1), ("90840", 1)]),
        (104, [("90839", 1), ("90840", 1)]),
        (105, [("90839", 1), ("90840", 2)]),
    ],
)
def test_crisis_psychotherapy_first_hour_and_each_added_half_hour(minutes, expected):
    note = f"Crisis session, {minutes} minutes: safety plan completed with the client."
    assert cpt(note) == expected


def test_intake_group_and_family_sessions():
    assert cpt("Initial evaluation for anxiety. Session 60 minutes.") == [("90791", 1)]
    assert cpt("Group therapy session on distress tolerance.") == [("90853", 1)]
    assert cpt("Family session with the client and parents present, 50 minutes.") == [("90847", 1)]
    without = "Family therapy without the client present, session of 45 minutes."
    assert cpt(without) == [("90846", 1)]
    assert cpt("Family session, 20 minutes.") == []


def test_interactive_complexity_only_when_a_factor_is_documented():
    plain = "Psychotherapy session, 45 minutes. Client engaged well."
    assert cpt(plain) == [("90834", 1)]
    interpreter = plain + " A Spanish interpreter was used throughout."
    assert cpt(interpreter) == [("90834", 1), ("90785", 1)]
    result = suggest_codes(interpreter, chart(), DAY)
    assert result.cpt[1].evidence[0].text == "A Spanish interpreter was used throughout."
    assert cpt("The client has an interpreter at work.") == []  # no service code to add to


def test_icd10_codes_come_from_the_charts_coded_active_conditions_with_part2_labeled():
    diagnoses = (
        Diagnosis("Generalized anxiety disorder", "F41.1", "F41.1", None, None, "Condition/a"),
        Diagnosis("Alcohol dependence", "F10.20", "F10.20", None, None, "Condition/b", True),
        Diagnosis("Insomnia (SNOMED only)", None, "193462001", None, None, "Condition/c"),
    )
    result = suggest_codes("Session 50 minutes.", chart(*diagnoses), DAY)
    assert [(s.code, s.restricted, s.evidence[0].source) for s in result.icd10] == [
        ("F41.1", False, "Condition/a"),
        ("F10.20", True, "Condition/b"),
    ]
