"""Geometry of the small PHQ-9 / GAD-7 trend chart drawn as inline SVG in the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.measures import MeasureSeries

WIDTH, HEIGHT, PAD = 300, 72, 6


@dataclass(frozen=True)
class TrendBand:
    y: float
    height: float
    label: str


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    total: int
    label: str
    flagged: bool


@dataclass(frozen=True)
class Trend:
    """Everything the SVG needs: severity bands (background), points and the polyline."""

    width: int
    height: int
    bands: tuple[TrendBand, ...]
    points: tuple[TrendPoint, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def trend_for(series: MeasureSeries, width: int = WIDTH, height: int = HEIGHT) -> Trend | None:
    """Chart geometry for a series in a `width` x `height` box (px); None when it is empty.

    x spreads results evenly by date (days); y maps 0..max_total to bottom..top.
    """
    if not series.results:
        return None
    top = series.instrument.max_total

    def y_of(score: float) -> float:
        return PAD + (height - 2 * PAD) * (1 - score / top)

    bands = tuple(
        TrendBand(
            y=y_of(band.high + 1 if band.high < top else top),
            height=y_of(band.low) - y_of(band.high + 1 if band.high < top else top),
            label=band.label,
        )
        for band in series.instrument.bands
    )
    first, last = series.results[0].effective, series.results[-1].effective
    span = max((last - first).total_seconds(), 1.0)
    points = tuple(
        TrendPoint(
            x=PAD + (width - 2 * PAD) * ((r.effective - first).total_seconds() / span)
            if len(series.results) > 1
            else width / 2,
            y=y_of(r.total),
            total=r.total,
            label=f"{r.effective:%b %-d, %Y}: {r.total} ({r.severity})",
            flagged=r.item9_positive,
        )
        for r in series.results
    )
    return Trend(width=width, height=height, bands=bands, points=points)
