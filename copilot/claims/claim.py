"""A claim drafted from an approved note: its service lines (CPT with modifiers, units,
place of service and diagnosis pointers), its ICD-10-CM diagnoses and the rendering
and supervising providers, each value with the note sentence or chart entry it came
from (copilot.coding.suggest.Evidence).

Place of service (CMS POS code set): 11 office; 02 telehealth other than the patient's
home, 10 telehealth in the patient's home. Telehealth is read from the note ("video",
"telehealth", "virtual session") and the session's Appointment when the caller has it.
Practice modifiers by clinician credential (HO master's level, HN bachelor's level, AJ
clinical social worker: HCPCS Level II) come from settings.CLAIM_MODIFIERS.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from copilot.coding.suggest import CodeSuggestion, CodingSuggestions, Evidence
from copilot.drafting.text import split_sentences
from copilot.ehr.base import Agent

from .rules import RULES, diagnosis_words

TELEHEALTH = re.compile(
    r"\b(?:telehealth|telemedicine|video (?:session|visit|call)|zoom|"
    r"(?:by|via|over|on) (?:video|zoom)|virtual (?:session|visit))\b",
    re.I,
)
AT_HOME = re.compile(r"\b(?:from|at) (?:her|his|their|the client'?s|the patient'?s)? ?home\b", re.I)


@dataclass(frozen=True)
class Line:
    """One service line: CPT `code`, `modifiers` (95, HO …), `units`, `place` (POS),
    `pointers` (1-based positions in ClaimDraft.diagnoses), and its evidence."""

    code: str
    display: str
    modifiers: tuple[str, ...]
    units: int
    place: str
    pointers: tuple[int, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ClaimDraft:
    """What a claim for one approved note would say (nothing is written)."""

    client_id: str
    draft_id: str
    service_date: date
    lines: tuple[Line, ...]
    diagnoses: tuple[CodeSuggestion, ...]
    rendering: Agent
    supervising: Agent | None
    pre_licensed: bool
    telehealth: bool
    minutes: int | None
    note_text: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(line.code for line in self.lines)


def note_sentences(note_text: str) -> list[str]:
    return [note_text[a:b].strip() for a, b in split_sentences(note_text)]


def supported_diagnoses(
    note_text: str, candidates: Sequence[CodeSuggestion]
) -> list[CodeSuggestion]:
    """The candidate ICD-10-CM diagnoses (the chart's, copilot.coding) that the note
    mentions: by code, by name or by the words clinicians use for them (DIAGNOSIS_WORDS)."""
    return [dx for dx in candidates if note_supports(note_text, dx)]


def note_supports(note_text: str, dx: CodeSuggestion) -> bool:
    """Does the note name this diagnosis: its code, its name, or a word for its
    category (e.g. F33 "depression", "MDD")?"""
    text = note_text.lower()
    if dx.code.lower() in text or dx.display.lower().split(",")[0] in text:
        return True
    return any(re.search(rf"\b{re.escape(w)}", text) for w in diagnosis_words(dx.code))


def build_claim(
    *,
    client_id: str,
    draft_id: str,
    note_text: str,
    service_date: date,
    suggestions: CodingSuggestions,
    rendering: Agent,
    supervising: Agent | None,
    pre_licensed: bool,
    telehealth: bool | None = None,
) -> ClaimDraft:
    """The claim the approved note supports. Diagnoses: the chart's that the note
    names (else the chart's first, which scrubbing then flags); every line points to
    all of them, the first as primary. `telehealth` None: read from the note."""
    supported = supported_diagnoses(note_text, suggestions.icd10)
    diagnoses = tuple(supported or suggestions.icd10[:1])
    if telehealth is None:
        telehealth = TELEHEALTH.search(note_text) is not None
    rule = RULES["telehealth_modifier_pos"]
    place = ("10" if AT_HOME.search(note_text) else "02") if telehealth else rule["office"]
    practice = tuple(settings.CLAIM_MODIFIERS.get(rendering.practitioner_id, ()))
    pointers = tuple(range(1, len(diagnoses) + 1))[:4]  # CMS-1500: up to 4 pointers a line
    lines = tuple(
        Line(
            code=s.code,
            display=s.display,
            modifiers=((rule["modifier"],) if telehealth else ()) + practice,
            units=s.units,
            place=place,
            pointers=pointers,
            evidence=s.evidence,
        )
        for s in suggestions.cpt
    )
    return ClaimDraft(
        client_id=client_id,
        draft_id=draft_id,
        service_date=service_date,
        lines=lines,
        diagnoses=diagnoses,
        rendering=rendering,
        supervising=supervising,
        pre_licensed=pre_licensed,
        telehealth=telehealth,
        minutes=suggestions.minutes,
        note_text=note_text,
    )
