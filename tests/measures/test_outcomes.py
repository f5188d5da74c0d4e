"""Response, remission and reliable change: crafted series for every boundary, and the
sandbox's behavioral-health trajectories read over FHIR."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from copilot.measures import GAD7, PHQ9, MeasureResult, MeasureSeries
from copilot.measures.outcomes import change_percent, outcomes, outcomes_met, rows

START = datetime(2026, 1, 5, tzinfo=UTC)


def series(instrument, *totals: int) -> MeasureSeries:
    return MeasureSeries.of(
        instrument,
        [
            MeasureResult(instrument, total, START + timedelta(weeks=3 * n), f"Observation/o{n}")
            for n, total in enumerate(totals)
        ],
    )


def kinds(s: MeasureSeries) -> list[str]:
    return [o.kind for o in outcomes(s)]


@pytest.mark.parametrize(
    ("baseline", "later", "responded"),
    [(20, 10, True), (20, 11, False), (9, 4, True), (9, 5, False), (1, 0, True)],
)
def test_response_is_a_drop_of_at_least_half_the_baseline(baseline, later, responded):
    s = series(GAD7, baseline, later)
    assert ("response" in outcomes_met(s, s.results[1])) is responded


def test_remission_is_a_phq9_total_under_5_and_not_defined_for_the_gad7():
    assert "remission" in kinds(series(PHQ9, 12, 4))
    assert "remission" not in kinds(series(PHQ9, 12, 5))
    assert "remission" not in kinds(series(GAD7, 12, 0))


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ((15, 10), ["reliable-improvement"]),
        ((15, 11), []),
        ((10, 15), ["reliable-deterioration"]),
        ((10, 14), []),
    ],
)
def test_reliable_change_is_five_phq9_points_either_way(totals, expected):
    found = [k for k in kinds(series(PHQ9, *totals)) if k.startswith("reliable")]
    assert found == expected
    assert not [k for k in kinds(series(GAD7, *totals)) if k.startswith("reliable")]


def test_each_outcome_is_named_once_at_its_first_result_with_both_sources():
    s = series(PHQ9, 18, 12, 8, 3, 9)  # improvement at 12, response at 8, remission at 3
    reached = outcomes(s)
    assert [(o.kind, o.result.total) for o in reached] == [
        ("reliable-improvement", 12),
        ("response", 8),
        ("remission", 3),
    ]
    assert reached[1].sources == ("Observation/o0", "Observation/o2")
    assert reached[1].detail == "PHQ-9 18 → 8 (-56%)"


def test_a_single_result_an_empty_series_and_a_zero_baseline_reach_nothing():
    assert outcomes(series(PHQ9, 14)) == ()
    assert outcomes(series(PHQ9)) == ()
    zero = series(PHQ9, 0, 6)
    assert kinds(zero) == ["reliable-deterioration"]
    assert [r.percent for r in rows(zero)] == [None, None]
    assert change_percent(0, 6) is None


def test_rows_give_change_from_baseline_in_points_and_percent():
    table = rows(series(PHQ9, 20, 15, 25))
    assert [(r.change, r.percent) for r in table] == [(None, None), (-5, -25), (5, 25)]
    assert table[1].meets == ("reliable-improvement",)


async def test_sandbox_trajectories(gateway):
    improving = await gateway.chart("bh-001")  # PHQ-9 seeded 19 → 6
    found = {o.kind: o for o in outcomes(improving.phq9)}
    assert {"response", "reliable-improvement"} <= found.keys()
    assert "reliable-deterioration" not in found
    baseline = improving.phq9.baseline
    response = found["response"]
    assert response.result.total <= baseline.total / 2
    assert response.sources[0] == baseline.source
    assert all(source.startswith("Observation/") for source in response.sources)

    worsening = await gateway.chart("bh-003")  # PHQ-9 seeded 8 → 17
    found = {o.kind for o in outcomes(worsening.phq9)}
    assert "reliable-deterioration" in found
    assert not found & {"response", "remission", "reliable-improvement"}

    unmeasured = await gateway.chart("bh-005")  # no PHQ-9 in the chart
    assert outcomes(unmeasured.phq9) == () and rows(unmeasured.phq9) == ()
