"""De-identification on ACI-Bench: are the names gone from what would be sent?

For every transcript of ACI-Bench's train (67) and valid (20) splits (Yim et al.,
Scientific Data 2023; CC BY 4.0), the dialogue is de-identified exactly as a prompt
to an external model is (copilot.deid.outbound.deidentify), twice:

- chart-seeded: with recognizers seeded from that encounter's `_metadata.csv` names
  (patient first and family name, doctor name), as the chart would seed them;
- Presidio alone: spaCy NER and Presidio's pattern recognizers, no seeds.

Ground truth is those metadata names. Printed per run:

- name recall: of the occurrences of a ground-truth name word in the transcripts
  (whole word, any case), the share no longer in the payload;
- name precision: of the person placeholders in the payloads (occurrences), the share
  whose original contains a ground-truth name word. Transcripts also name people the
  metadata does not list (a doctor when `doctor_name` is blank, relatives, the
  dictation assistant "dax"), so this is a lower bound;
- identifiers left: ground-truth name words still in the payloads, and calendar dates
  (a month with a day, or a numeric date) still in them.

Usage: python bench/deid.py [--data ../shared/data/aci-bench] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()
logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

from copilot.deid.outbound import deidentify  # noqa: E402
from copilot.deid.recognizers import ChartSeeds, name_forms, name_parts  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "aci-bench"
PERSON_STEMS = ("[CLIENT", "[CLINICIAN", "[PERSON_")
_DATE_LEFT = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)


@dataclass
class Encounter:
    encounter_id: str
    dialogue: str
    patient: list[str]  # name words
    doctor: list[str]


@dataclass
class Tally:
    truth: int = 0  # ground-truth name word occurrences in the transcripts
    left: int = 0  # … still in the payloads
    left_by_kind: dict | None = None
    person_placeholders: int = 0  # occurrences in the payloads
    person_true: int = 0  # … whose original holds a ground-truth name word
    dates_before: int = 0
    dates_left: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.left_by_kind = {"patient": 0, "doctor": 0}


def load(data: Path) -> list[Encounter]:
    encounters = []
    for split in ("train", "valid"):
        with open(data / "csv" / f"{split}_metadata.csv", encoding="utf-8") as f:
            meta = {row["encounter_id"]: row for row in csv.DictReader(f)}
        with open(data / "csv" / f"{split}.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                m = meta[row["encounter_id"]]
                patient = name_parts(f"{m['patient_firstname']} {m['patient_familyname']}")
                doctor = name_parts(m["doctor_name"])
                encounters.append(Encounter(row["encounter_id"], row["dialogue"], patient, doctor))
    return encounters


def occurrences(word: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE))


def measure(encounter: Encounter, seeded: bool, tally: Tally) -> None:
    seeds = (
        ChartSeeds(
            client_names=tuple(name_forms([" ".join(encounter.patient)])),
            clinician_names=tuple(name_forms([" ".join(encounter.doctor)])),
        )
        if seeded
        else ChartSeeds()
    )
    started = time.perf_counter()
    payload, pseudonyms = deidentify(encounter.dialogue, seeds)
    tally.seconds += time.perf_counter() - started
    truth_words = {w.casefold() for w in encounter.patient + encounter.doctor}
    for kind, words in (("patient", encounter.patient), ("doctor", encounter.doctor)):
        for word in set(words):
            tally.truth += occurrences(word, encounter.dialogue)
            left = occurrences(word, payload)
            tally.left += left
            tally.left_by_kind[kind] += left
    for placeholder, original in pseudonyms.mapping.items():
        if not placeholder.startswith(PERSON_STEMS):
            continue
        count = payload.count(placeholder)
        tally.person_placeholders += count
        if {w.casefold() for w in name_parts(original)} & truth_words:
            tally.person_true += count
    tally.dates_before += len(_DATE_LEFT.findall(encounter.dialogue))
    tally.dates_left += len(_DATE_LEFT.findall(payload))


def report(label: str, tally: Tally, count: int) -> None:
    recall = 1 - tally.left / tally.truth if tally.truth else float("nan")
    precision = tally.person_true / tally.person_placeholders if tally.person_placeholders else 0
    removed, left = tally.truth - tally.left, tally.left_by_kind
    print(f"\n{label}")
    print(f"  name recall     {recall:.4f}  ({removed} of {tally.truth} occurrences removed)")
    print(
        f"  name precision  {precision:.4f}  ({tally.person_true} of "
        f"{tally.person_placeholders} person placeholders hold a metadata name; lower bound)"
    )
    print(f"  names left      {tally.left}  (patient {left['patient']}, doctor {left['doctor']})")
    print(f"  dates left      {tally.dates_left} of {tally.dates_before} calendar dates")
    print(f"  time            {1000 * tally.seconds / count:.0f} ms per transcript (mean)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    encounters = load(args.data)[: args.limit or None]
    deidentify("warm-up: Jane Doe on March 3.", ChartSeeds())  # loads spaCy once
    chars = sum(len(e.dialogue) for e in encounters)
    print(f"ACI-Bench train + valid: {len(encounters)} transcripts, {chars:,} characters")
    for label, seeded in (("chart-seeded (metadata names)", True), ("Presidio alone", False)):
        tally = Tally()
        for encounter in encounters:
            measure(encounter, seeded, tally)
        report(label, tally, len(encounters))


if __name__ == "__main__":
    main()
