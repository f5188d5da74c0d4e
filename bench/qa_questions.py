"""Retrieval questions derived from the Synthea export's structured data (no Django here).

Each question is answerable from one or a few notes: the DocumentReference of the
encounter where a condition was diagnosed, where a medication was prescribed, or
that took place on a date. The structured resources say which note that is
(Condition.encounter, MedicationRequest.encounter, Encounter.period ↔
DocumentReference.context.encounter), so "supporting" notes are known exactly; the
Condition or MedicationRequest itself (its date and encounter) answers as well.
Used by bench/qa.py (the whole set) and tests/retrieval/test_quality.py (a subset).

`handwritten_questions()` reads bench/qa_handwritten.json: questions written by hand
(not tuned against the retriever) about the sandbox's behavioral-health charts,
the practice knowledge base (docs/practice-kb) and what the charts do not hold.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SYNTHEA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "synthea-10"
HANDWRITTEN = Path(__file__).resolve().parent / "qa_handwritten.json"
MAX_PRESCRIBING_VISITS = 3  # a medication renewed at more visits makes too easy a question


@dataclass(frozen=True)
class Question:
    """`supporting`: references of the entries that answer it ("DocumentReference/…",
    the Condition or MedicationRequest itself, "kb:<file>#<heading>"); empty for a
    question the chart cannot answer. `client_id` is None for a knowledge-base question."""

    client_id: str | None
    kind: str
    text: str
    supporting: frozenset[str]

    @property
    def answerable(self) -> bool:
        return bool(self.supporting)


def _read(resource_type: str, folder: Path) -> list[dict]:
    path = folder / f"{resource_type}.000.ndjson"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _id_of(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


def _notes_by_encounter(folder: Path) -> dict[str, str]:
    return {
        _id_of(d["context"]["encounter"][0]["reference"]): f"DocumentReference/{d['id']}"
        for d in _read("DocumentReference", folder)
    }


def _presenting(folder: Path, notes: dict[str, str]) -> list[Question]:
    """ "When did the patient present with <disorder>?" for disorders diagnosed once."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    entries: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in _read("Condition", folder):
        name = c["code"]["coding"][0]["display"]
        encounter = _id_of(c.get("encounter", {}).get("reference", ""))
        if name.endswith("(disorder)") and encounter in notes:
            key = (_id_of(c["subject"]["reference"]), name)
            seen[key].add(notes[encounter])
            entries[key].add(f"Condition/{c['id']}")
    return [
        Question(
            client,
            "presenting",
            f"When did the patient present with {_plain(name)}?",
            frozenset(refs | entries[(client, name)]),
        )
        for (client, name), refs in seen.items()
        if len(refs) == 1
    ]


def _prescribed(folder: Path, notes: dict[str, str]) -> list[Question]:
    """ "At which visit was <medication> prescribed?" for medications given at ≤ 3 visits."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    entries: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in _read("MedicationRequest", folder):
        concept = m.get("medicationCodeableConcept") or {}
        name = concept.get("text") or (concept.get("coding") or [{}])[0].get("display")
        encounter = _id_of(m.get("encounter", {}).get("reference", ""))
        if name and encounter in notes:
            key = (_id_of(m["subject"]["reference"]), name)
            seen[key].add(notes[encounter])
            entries[key].add(f"MedicationRequest/{m['id']}")
    return [
        Question(
            client,
            "prescribed",
            f"At which visit was {name} prescribed?",
            frozenset(refs | entries[(client, name)]),
        )
        for (client, name), refs in seen.items()
        if len(refs) <= MAX_PRESCRIBING_VISITS
    ]


def _visits(folder: Path, notes: dict[str, str]) -> list[Question]:
    """ "What happened at the visit on <Month D, YYYY>?" for days with one visit."""
    by_day: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in _read("Encounter", folder):
        if e["id"] in notes:
            day = datetime.fromisoformat(e["period"]["start"]).strftime("%B %-d, %Y")
            by_day[(_id_of(e["subject"]["reference"]), day)].add(notes[e["id"]])
    return [
        Question(client, "visit", f"What happened at the visit on {day}?", frozenset(refs))
        for (client, day), refs in by_day.items()
        if len(refs) == 1
    ]


def _plain(name: str) -> str:
    return name.removesuffix(" (disorder)").lower()


def synthea_questions(
    *, per_kind: int = 5, seed: int = 7, folder: Path = SYNTHEA, clients: set[str] | None = None
) -> list[Question]:
    """Up to `per_kind` questions of each kind per patient, sampled with `seed`.

    `clients` limits the patients (None: all 13).
    """
    notes = _notes_by_encounter(folder)
    rng = random.Random(seed)
    picked: list[Question] = []
    for build in (_presenting, _prescribed, _visits):
        by_client: dict[str, list[Question]] = defaultdict(list)
        for question in sorted(build(folder, notes), key=lambda q: (q.client_id, q.text)):
            if clients is None or question.client_id in clients:
                by_client[question.client_id].append(question)
        for questions in by_client.values():
            picked += rng.sample(questions, min(per_kind, len(questions)))
    return picked


def handwritten_questions(path: Path = HANDWRITTEN) -> list[Question]:
    """The hand-written questions: kinds bh-structured, bh-notes, kb, unanswerable."""
    return [
        Question(q["client_id"], q["kind"], q["question"], frozenset(q["supporting"]))
        for q in json.loads(path.read_text())
    ]


def recall_at(k: int, question: Question, sources: list[str]) -> bool:
    """Whether a supporting entry is among the first `k` sources."""
    return bool(question.supporting & set(sources[:k]))
