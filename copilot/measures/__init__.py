"""PHQ-9 / GAD-7 scoring, severity bands, change and the PHQ-9 item 9 flag."""

from .instruments import GAD7, INSTRUMENTS, LOINC_SYSTEM, PHQ9, PHQ9_ITEM9_LOINC, Band, Instrument
from .series import MeasureResult, MeasureSeries

__all__ = [
    "GAD7",
    "INSTRUMENTS",
    "LOINC_SYSTEM",
    "PHQ9",
    "PHQ9_ITEM9_LOINC",
    "Band",
    "Instrument",
    "MeasureResult",
    "MeasureSeries",
]
