"""Charts of the synthetic behavioral-health clients, read through the gateway over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

from copilot.measures import GAD7, PHQ9


async def test_a_depression_client_has_icd10_codes_measures_goals_and_medication(gateway):
    chart = await gateway.chart("bh-001")

    assert chart.client.name == "Maya Thompson"
    assert chart.client.pronouns == "she/her/her"
    assert chart.client.mrn.startswith("BH")
    assert 30 <= chart.client.age <= 36
    assert [(d.icd10, d.display) for d in chart.diagnoses] == [
        ("F33.1", "Major depressive disorder, recurrent, moderate")
    ]
    assert [m.rxnorm for m in chart.medications] == ["312940"]
    session3 = chart.phq9.results[1].effective.date()  # measured every 14 days: session 3
    assert chart.medications[0].start == session3
    assert len(chart.goals) == 3

    phq9 = [r.total for r in chart.phq9.results]
    assert phq9[0] == 19 and phq9[-1] == 6
    assert chart.phq9.change_since_baseline == -13
    assert chart.phq9.latest.severity == "mild"
    assert chart.gad7.latest.total == 5 and chart.gad7.latest.severity == "mild"
    assert all(r.total == sum(r.items) for r in chart.phq9.results)  # items read from components
    assert chart.phq9.item9_flag is False

    assert len(chart.notes) == 5
    assert chart.notes[0].date == max(n.date for n in chart.notes)
    assert "Progress note" in chart.notes[0].text
    assert chart.last_visit.start < datetime.now(tz=UTC) < chart.next_visit.start
    assert chart.next_visit.status == "planned"


async def test_the_latest_phq9_item9_positive_client_is_flagged(gateway):
    chart = await gateway.chart("bh-003")
    assert chart.phq9.item9_flag is True
    assert chart.phq9.latest.item9_score == 1
    assert chart.phq9.latest.total == 17
    assert chart.phq9.change_since_baseline == 9  # worsening 8 -> 17
    assert chart.medications == ()


async def test_an_earlier_item9_stays_in_history_without_flagging_the_latest(gateway):
    chart = await gateway.chart("bh-008")
    assert chart.phq9.item9_flag is False
    assert len(chart.phq9.item9_positive_results) == 1
    assert [d.icd10 for d in chart.diagnoses] == ["F33.1"]  # the resolved F43.21 is left out


async def test_part2_substance_use_diagnoses_are_marked_restricted(gateway):
    chart = await gateway.chart("bh-006")
    restricted = {d.icd10: d.restricted for d in chart.diagnoses}
    assert restricted == {"F10.20": True, "F41.1": False}


async def test_part2_medications_goals_and_notes_are_marked_restricted(gateway):
    chart = await gateway.chart("bh-006")
    medications = {m.display.split()[0]: m.restricted for m in chart.medications}
    assert medications["naltrexone"] is True
    goals = {g.description.split(",")[0]: g.restricted for g in chart.goals}
    assert goals["Maintain abstinence from alcohol"] is True
    assert not all(goals.values())
    other = await gateway.chart("bh-001")
    assert not any(e.restricted for e in (*other.medications, *other.goals, *other.notes))


async def test_a_client_measured_only_on_gad7_has_an_empty_phq9_series(gateway):
    chart = await gateway.chart("bh-007")
    assert chart.phq9.latest is None
    assert chart.gad7.instrument is GAD7
    assert [r.total for r in chart.gad7.results][0] == 16
    assert chart.gad7.latest.total == 8


async def test_a_stopped_medication_is_not_listed(gateway):
    chart = await gateway.chart("bh-004")
    assert chart.medications == ()
    assert chart.phq9.instrument is PHQ9
