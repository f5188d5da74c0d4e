"""Measurement-based care outcomes of a PHQ-9 or GAD-7 series: response, remission and
reliable change, each tied to the Observations that show it.

Definitions (change is always measured from the baseline, the series' first result):
- Response: total reduced by >= 50 % from a baseline above zero. The usual definition
  in depression and anxiety trials and in measurement-based care (e.g. Kroenke K,
  Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606-613; Lowe B, Unutzer J,
  Callahan CM, Perkins AJ, Kroenke K. "Monitoring depression treatment outcomes with
  the Patient Health Questionnaire-9." Med Care 2004;42(12):1194-1201).
- Remission: PHQ-9 total < 5, the minimal band (Kroenke 2001; Lowe 2004). GAD-7
  remission is not defined here: the issue and the sources above define it for the
  PHQ-9 only.
- Reliable change: PHQ-9 total changed by >= 5 points, the smallest change Lowe et al.
  (2004) found clinically meaningful for an individual; a fall is a reliable
  improvement, a rise a reliable deterioration. Not computed for the GAD-7 (no
  threshold from the same sources).
"""

from __future__ import annotations

from dataclasses import dataclass

from .instruments import PHQ9
from .series import MeasureResult, MeasureSeries

RESPONSE_FRACTION = 0.5  # a drop of at least half the baseline total
REMISSION_BELOW = 5  # PHQ-9 total under this: remission
RELIABLE_CHANGE_POINTS = 5  # PHQ-9 points from baseline


@dataclass(frozen=True)
class Outcome:
    """One outcome reached: `kind` is "response", "remission", "reliable-improvement" or
    "reliable-deterioration"; `result` the first administration that meets it;
    `sources` the Observation references it rests on (baseline first)."""

    kind: str
    label: str
    result: MeasureResult
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ResultRow:
    """One administration with its change from baseline (points, percent; None for the
    baseline itself or a zero baseline's percent) and the outcomes it meets."""

    result: MeasureResult
    change: int | None
    percent: int | None
    meets: tuple[str, ...]


def change_percent(baseline: int, total: int) -> int | None:
    """Change from `baseline` to `total` in whole percent of the baseline (negative: fewer
    symptoms); None when the baseline is 0 (no percentage of nothing)."""
    if baseline == 0:
        return None
    return round(100 * (total - baseline) / baseline)


def outcomes_met(series: MeasureSeries, result: MeasureResult) -> tuple[str, ...]:
    """The outcome kinds `result` meets against the series' baseline (none for the
    baseline itself)."""
    baseline = series.baseline
    if baseline is None or result is baseline:
        return ()
    met = []
    if baseline.total > 0 and result.total <= baseline.total * (1 - RESPONSE_FRACTION):
        met.append("response")
    if series.instrument is PHQ9:
        if result.total < REMISSION_BELOW:
            met.append("remission")
        if baseline.total - result.total >= RELIABLE_CHANGE_POINTS:
            met.append("reliable-improvement")
        if result.total - baseline.total >= RELIABLE_CHANGE_POINTS:
            met.append("reliable-deterioration")
    return tuple(met)


LABELS = {
    "response": "Response (≥ 50 % drop)",
    "remission": "Remission (PHQ-9 < 5)",
    "reliable-improvement": "Reliable improvement (≥ 5 points)",
    "reliable-deterioration": "Reliable deterioration (≥ 5 points)",
}


def rows(series: MeasureSeries) -> tuple[ResultRow, ...]:
    """Every administration, oldest first, with its change and the outcomes it meets."""
    baseline = series.baseline
    return tuple(
        ResultRow(
            result=result,
            change=None if result is baseline else result.total - baseline.total,
            percent=None if result is baseline else change_percent(baseline.total, result.total),
            meets=outcomes_met(series, result),
        )
        for result in series.results
    )


def outcomes(series: MeasureSeries) -> tuple[Outcome, ...]:
    """Each outcome at its first administration, in the order reached. Empty for a
    series of fewer than two results."""
    baseline, found = series.baseline, {}
    for result in series.results:
        for kind in outcomes_met(series, result):
            found.setdefault(kind, _outcome(kind, baseline, result))
    return tuple(sorted(found.values(), key=lambda o: o.result.effective))


def _outcome(kind: str, baseline: MeasureResult, result: MeasureResult) -> Outcome:
    name = baseline.instrument.name
    percent = change_percent(baseline.total, result.total)
    detail = f"{name} {baseline.total} → {result.total}" + (
        f" ({percent:+d}%)" if percent is not None else ""
    )
    return Outcome(kind, LABELS[kind], result, detail, (baseline.source, result.source))
