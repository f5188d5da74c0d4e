"""A client's results on one instrument over time: latest score, severity, change, flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .instruments import PHQ9, Instrument


@dataclass(frozen=True)
class MeasureResult:
    """One administration of an instrument.

    `total` is the reported total score (points). `items` holds item scores 0-3 in
    item order, or None for an item the source did not report. `source` is the FHIR
    reference of the Observation (e.g. "Observation/abc").
    """

    instrument: Instrument
    total: int
    effective: datetime
    source: str
    items: tuple[int | None, ...] = ()

    @property
    def severity(self) -> str:
        return self.instrument.severity(self.total)

    def item(self, number: int) -> int | None:
        """Score of item `number` (1-based), or None when not reported."""
        return self.items[number - 1] if len(self.items) >= number else None

    @property
    def item9_score(self) -> int | None:
        """PHQ-9 item 9 (thoughts of death or self-harm), 0-3; None for other instruments."""
        return self.item(9) if self.instrument is PHQ9 else None

    @property
    def item9_positive(self) -> bool:
        """PHQ-9 item 9 scored 1 or more (Kroenke et al. 2001): needs a risk assessment."""
        return (self.item9_score or 0) > 0


@dataclass(frozen=True)
class MeasureSeries:
    """All results of one instrument for one client, oldest first.

    Change is in points, latest minus the earlier score: negative means fewer
    symptoms. The baseline is the first result in the series.
    """

    instrument: Instrument
    results: tuple[MeasureResult, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, instrument: Instrument, results: list[MeasureResult]) -> MeasureSeries:
        ordered = sorted(results, key=lambda result: result.effective)
        return cls(instrument=instrument, results=tuple(ordered))

    @property
    def latest(self) -> MeasureResult | None:
        return self.results[-1] if self.results else None

    @property
    def previous(self) -> MeasureResult | None:
        return self.results[-2] if len(self.results) > 1 else None

    @property
    def baseline(self) -> MeasureResult | None:
        return self.results[0] if self.results else None

    @property
    def change_since_previous(self) -> int | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest.total - self.previous.total

    @property
    def change_since_baseline(self) -> int | None:
        if self.latest is None or self.baseline is None or self.latest is self.baseline:
            return None
        return self.latest.total - self.baseline.total

    @property
    def item9_flag(self) -> bool:
        """The latest PHQ-9 has item 9 > 0 (always False for other instruments)."""
        return self.latest is not None and self.latest.item9_positive

    @property
    def item9_positive_results(self) -> tuple[MeasureResult, ...]:
        """Every administration in the series with PHQ-9 item 9 > 0."""
        return tuple(result for result in self.results if result.item9_positive)
