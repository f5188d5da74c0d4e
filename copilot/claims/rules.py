"""The scrubbing rules' data (scrub_rules.json) and the words that name a diagnosis in
a note, by ICD-10-CM category (the first three characters of the code)."""

from __future__ import annotations

import json
from pathlib import Path

RULES: dict[str, dict] = {
    key: value
    for key, value in json.loads((Path(__file__).parent / "scrub_rules.json").read_text()).items()
    if not key.startswith("_")
}

# Words clinicians write for a condition of each ICD-10-CM category (F chapter, mental
# and behavioural disorders); a note naming one supports the diagnosis.
DIAGNOSIS_WORDS: dict[str, tuple[str, ...]] = {
    "F10": ("alcohol",),
    "F11": ("opioid",),
    "F12": ("cannabis", "marijuana"),
    "F17": ("nicotine", "smoking", "tobacco"),
    "F31": ("bipolar", "mania", "manic", "hypomani"),
    "F32": ("depress", "mdd", "low mood"),
    "F33": ("depress", "mdd", "low mood"),
    "F34": ("dysthymi", "persistent depressive"),
    "F40": ("phobi", "social anxiety", "agoraphobi"),
    "F41": ("anxiety", "anxious", "panic", "gad", "worry"),
    "F42": ("ocd", "obsess", "compuls"),
    "F43": ("ptsd", "trauma", "adjustment", "stress"),
    "F50": ("eating", "anorexi", "bulimi", "binge"),
    "F60": ("personality", "borderline", "bpd"),
    "F84": ("autis",),
    "F90": ("adhd", "attention", "hyperactiv"),
    "F91": ("conduct",),
    "F93": ("separation anxiety",),
}


def diagnosis_words(code: str) -> tuple[str, ...]:
    return DIAGNOSIS_WORDS.get(code[:3].upper(), ())
