"""Suggest CPT and ICD-10-CM codes for one approved note, each with its evidence.

Every suggestion carries at least one Evidence (the sentence or chart entry that
supports it); what the note would need for a code it lacks goes in `missing`.
The rules and their sources are in copilot.coding.rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from copilot.chart import ChartContext, Visit
from copilot.drafting.grounded import has_cue
from copilot.drafting.text import split_sentences

from . import rules

RANGE = re.compile(
    r"\b(\d{1,2}):(\d{2})\s*([ap]\.?m\.?)?\s*(?:-|–|—|to|until)\s*(\d{1,2}):(\d{2})\s*([ap]\.?m\.?)?",
    re.IGNORECASE,
)
MINUTES = re.compile(r"\b(\d{1,3})[- ]?(?:minutes?|mins?)\b", re.IGNORECASE)
TIME_CONTEXT = ("session", "psychotherapy", "therapy", "met", "face-to-face", "spent", "time")


@dataclass(frozen=True)
class Evidence:
    """Why a code is suggested: `text` quoted from the note or describing a chart entry;
    `source` is "note" or a FHIR reference (Condition/…, Encounter/…)."""

    text: str
    source: str


@dataclass(frozen=True)
class CodeSuggestion:
    """One code: `system` "CPT" or "ICD-10-CM"; `units` for time add-ons (90840);
    `restricted` for a 42 CFR Part 2 diagnosis."""

    system: str
    code: str
    display: str
    evidence: tuple[Evidence, ...]
    units: int = 1
    restricted: bool = False


@dataclass(frozen=True)
class CodingSuggestions:
    """CPT suggestions (service code first, add-ons after), ICD-10-CM from the chart, the
    documented minutes (None when no time was found) and what is missing."""

    cpt: tuple[CodeSuggestion, ...]
    icd10: tuple[CodeSuggestion, ...]
    minutes: int | None
    missing: tuple[str, ...]


def suggest_codes(note_text: str, chart: ChartContext, session_date: date) -> CodingSuggestions:
    """Codes for `note_text` (the approved note) of a session on `session_date`.

    Time comes from the note (a "10:00-10:50" range, else "50 minutes" in a sentence
    about the session) or, failing that, from the chart's last Encounter on that date.
    """
    sentences = [note_text[a:b] for a, b in split_sentences(note_text)]
    minutes, time_evidence = _documented_minutes(sentences, chart.last_visit, session_date)
    kind, kind_evidence = _session_kind(sentences)
    cpt, missing = _service_codes(kind, kind_evidence, minutes, time_evidence)
    cpt += _interactive_complexity(sentences, bool(cpt))
    return CodingSuggestions(tuple(cpt), _diagnoses(chart), minutes, tuple(missing))


def _documented_minutes(
    sentences: list[str], visit: Visit | None, session_date: date
) -> tuple[int | None, Evidence | None]:
    for sentence in sentences:
        if (match := RANGE.search(sentence)) and (minutes := _range_minutes(match)):
            return minutes, Evidence(sentence.strip(), "note")
    for sentence in sentences:
        match = MINUTES.search(sentence)
        if match and any(has_cue(cue, sentence) for cue in TIME_CONTEXT):
            return int(match.group(1)), Evidence(sentence.strip(), "note")
    if visit and visit.start and visit.end and visit.start.date() == session_date:
        minutes = round((visit.end - visit.start).total_seconds() / 60)
        span = f"{visit.start:%H:%M}–{visit.end:%H:%M}"
        return minutes, Evidence(f"Encounter on {session_date}: {span}", visit.source)
    return None, None


def _range_minutes(match: re.Match[str]) -> int | None:
    """Minutes between the two clock times of a range (am/pm on either side; a range
    without them crossing noon, like 11:30-12:20, is read forward)."""
    start = _clock(int(match[1]), int(match[2]), match[3] or match[6])
    end = _clock(int(match[4]), int(match[5]), match[6] or match[3])
    if start is None or end is None:
        return None
    minutes = end - start if end > start else end + 12 * 60 - start
    return minutes if 0 < minutes <= 8 * 60 else None


def _clock(hour: int, minute: int, meridiem: str | None) -> int | None:
    if hour > 23 or minute > 59:
        return None
    if meridiem and meridiem.lower().startswith("p") and hour < 12:
        hour += 12
    if meridiem and meridiem.lower().startswith("a") and hour == 12:
        hour = 0
    return hour * 60 + minute


def _session_kind(sentences: list[str]) -> tuple[str, Evidence | None]:
    """ "intake", "crisis", "family", "family-without", "group" or "individual", with the
    sentence that says so (None for individual, the default)."""
    for kind in ("intake", "crisis", "group", "family"):
        for sentence in sentences:
            if any(has_cue(cue, sentence) for cue in rules.SESSION_CUES[kind]):
                if kind == "family" and _cued(sentences, "family-without"):
                    kind = "family-without"
                return kind, Evidence(sentence.strip(), "note")
    return "individual", None


def _cued(sentences: list[str], kind: str) -> bool:
    return any(has_cue(cue, s) for cue in rules.SESSION_CUES[kind] for s in sentences)


def _service_codes(kind, kind_evidence, minutes, time_evidence):
    """(CPT suggestions, missing) for the session kind and documented time."""
    if kind == "intake":
        return [_cpt(rules.INTAKE, kind_evidence)], []
    if kind == "group":
        return [_cpt(rules.GROUP, kind_evidence)], []
    if minutes is None:
        return [], ["No documented time: add the session's start and stop times or its length."]
    if kind == "crisis":
        return _crisis(minutes, kind_evidence, time_evidence)
    if kind in ("family", "family-without"):
        if minutes < rules.FAMILY_MIN_MINUTES:
            return [], [f"Family psychotherapy needs {rules.FAMILY_MIN_MINUTES}+ minutes."]
        code = rules.FAMILY_WITHOUT if kind == "family-without" else rules.FAMILY_WITH
        return [_cpt(code, kind_evidence, time_evidence)], []
    band = next((b for b in rules.PSYCHOTHERAPY if b.covers(minutes)), None)
    if band is None:
        low = rules.PSYCHOTHERAPY[0].low
        return [], [f"{minutes} minutes documented: psychotherapy codes start at {low}."]
    return [_cpt((band.code, band.display), time_evidence)], []


def _crisis(minutes: int, kind_evidence, time_evidence):
    """90839 for 30-74 minutes; 90840 units for each 30 minutes from 75 on."""
    if minutes < rules.CRISIS_FIRST.low:
        return [], [f"Crisis psychotherapy needs {rules.CRISIS_FIRST.low}+ minutes."]
    first = (rules.CRISIS_FIRST.code, rules.CRISIS_FIRST.display)
    codes = [_cpt(first, kind_evidence, time_evidence)]
    if minutes >= rules.CRISIS_EXTRA_STARTS:
        units = (minutes - rules.CRISIS_EXTRA_STARTS) // rules.CRISIS_EXTRA_MINUTES + 1
        code, display = rules.CRISIS_EXTRA
        codes.append(CodeSuggestion("CPT", code, display, (time_evidence,), units=units))
    return codes, []


def _cpt(code_display: tuple[str, str], *evidence: Evidence | None) -> CodeSuggestion:
    code, display = code_display
    return CodeSuggestion("CPT", code, display, tuple(e for e in evidence if e is not None))


def _interactive_complexity(sentences: list[str], has_service: bool) -> list[CodeSuggestion]:
    """90785 only with a documented factor, and only beside a service code it adds to."""
    if not has_service:
        return []
    for sentence in sentences:
        if any(has_cue(cue, sentence) for cue in rules.INTERACTIVE_CUES):
            evidence = (Evidence(sentence.strip(), "note"),)
            return [CodeSuggestion("CPT", *rules.INTERACTIVE_COMPLEXITY, evidence)]
    return []


def _diagnoses(chart: ChartContext) -> tuple[CodeSuggestion, ...]:
    """ICD-10-CM codes of the chart's active conditions coded in ICD-10-CM."""
    return tuple(
        CodeSuggestion(
            "ICD-10-CM",
            d.icd10,
            d.display,
            (Evidence(f"Active condition{f' since {d.onset}' if d.onset else ''}", d.source),),
            restricted=d.restricted,
        )
        for d in chart.diagnoses
        if d.icd10
    )
