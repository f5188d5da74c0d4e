"""What the Measures tab shows for one instrument: a larger trend chart with the outcome
markers on it, the outcomes reached (copilot.measures.outcomes) and every result."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.measures import MeasureSeries
from copilot.measures.outcomes import Outcome, ResultRow, outcomes, rows

from .trend import Trend, trend_for

WIDTH, HEIGHT = 340, 150  # px, the tab's chart


@dataclass(frozen=True)
class OutcomeMark:
    """An outcome drawn at its result's point of the chart."""

    x: float
    y: float
    kind: str
    label: str


@dataclass(frozen=True)
class InstrumentView:
    name: str
    trend: Trend | None
    rows: tuple[ResultRow, ...]
    outcomes: tuple[Outcome, ...]
    marks: tuple[OutcomeMark, ...]


def instrument_view(series: MeasureSeries) -> InstrumentView:
    """The tab's content for one instrument's series (any length, empty included)."""
    trend = trend_for(series, WIDTH, HEIGHT)
    reached = outcomes(series)
    points = {id(r): p for r, p in zip(series.results, trend.points, strict=True)} if trend else {}
    marks = tuple(
        OutcomeMark(
            points[id(o.result)].x, points[id(o.result)].y, o.kind, f"{o.label}: {o.detail}"
        )
        for o in reached
    )
    return InstrumentView(series.instrument.name, trend, rows(series), reached, marks)


def _mark(outcome: Outcome, point) -> OutcomeMark:
    return OutcomeMark(point.x, point.y, outcome.kind, f"{outcome.label}: {outcome.detail}")
