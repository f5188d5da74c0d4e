from datetime import UTC, datetime, timedelta

import pytest

from copilot.measures import GAD7, PHQ9, MeasureResult, MeasureSeries

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately severe"),
    (19, "moderately severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD7_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "label"), PHQ9_BANDS)
def test_phq9_severity_at_every_band_boundary(total, label):
    assert PHQ9.severity(total) == label


@pytest.mark.parametrize(("total", "label"), GAD7_BANDS)
def test_gad7_severity_at_every_band_boundary(total, label):
    assert GAD7.severity(total) == label


@pytest.mark.parametrize(("instrument", "total"), [(PHQ9, -1), (PHQ9, 28), (GAD7, -1), (GAD7, 22)])
def test_it_rejects_totals_the_instrument_cannot_produce(instrument, total):
    with pytest.raises(ValueError, match=instrument.name):
        instrument.severity(total)


def test_the_instruments_carry_their_loinc_codes():
    assert PHQ9.total_loinc == "44261-6"
    assert PHQ9.item_loincs[8] == "44260-8"
    assert len(PHQ9.item_loincs) == 9
    assert GAD7.total_loinc == "70274-6"
    assert len(GAD7.item_loincs) == 7


def result(total, *, day=0, item9=None, instrument=PHQ9):
    items = (0,) * 8 + (item9,) if instrument is PHQ9 else (0,) * 7
    return MeasureResult(
        instrument=instrument,
        total=total,
        effective=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day),
        source=f"Observation/{instrument.key}-{day}",
        items=items,
    )


@pytest.mark.parametrize(("item9", "flagged"), [(None, False), (0, False), (1, True), (3, True)])
def test_item9_flag_is_raised_by_any_score_above_zero(item9, flagged):
    assert result(12, item9=item9).item9_positive is flagged


def test_gad7_never_raises_the_item9_flag():
    assert result(12, instrument=GAD7).item9_positive is False


def test_series_orders_results_by_date_and_computes_change():
    series = MeasureSeries.of(PHQ9, [result(11, day=28), result(19, day=0), result(14, day=14)])
    assert [r.total for r in series.results] == [19, 14, 11]
    assert series.latest.total == 11
    assert series.change_since_previous == -3
    assert series.change_since_baseline == -8


def test_series_of_one_result_has_no_change():
    series = MeasureSeries.of(PHQ9, [result(7)])
    assert series.change_since_previous is None
    assert series.change_since_baseline is None


def test_empty_series_has_no_latest_and_no_flag():
    series = MeasureSeries.of(GAD7, [])
    assert series.latest is None
    assert series.item9_flag is False


def test_series_flag_follows_the_latest_administration_and_keeps_history():
    earlier_positive = MeasureSeries.of(
        PHQ9, [result(16, day=0, item9=2), result(9, day=14, item9=0)]
    )
    assert earlier_positive.item9_flag is False
    assert [r.total for r in earlier_positive.item9_positive_results] == [16]

    latest_positive = MeasureSeries.of(
        PHQ9, [result(9, day=0, item9=0), result(12, day=14, item9=1)]
    )
    assert latest_positive.item9_flag is True
