"""The whole course of care of one client, for discharge and referral summaries (types
and parsing; no HTTP here: copilot.ehr.fhir_r4 reads the resources).

Every fact keeps the FHIR reference it came from so a summary can cite it:

- therapy sessions: finished Encounters whose type carries a CPT code of the
  Psychiatry section, 90785-90899 (AMA CPT Professional 2024; the same range as
  copilot.coding.rules), first and last date and count;
- Conditions whatever their clinicalStatus (active, resolved …), ICD-10-CM code when
  coded so (Condition.code, Condition.clinicalStatus, Condition.abatementDateTime);
- interventions named in the progress notes (DocumentReference text/plain): a
  clinician's action verb ("used", "practiced", "taught" …) followed by the technique,
  e.g. "Used behavioral activation in session." or "Therapist used grounding skills.";
- PHQ-9 (LOINC 44261-6) and GAD-7 (70274-6) series (copilot.measures);
- Goals of every lifecycleStatus but entered-in-error, with Goal.achievementStatus
  (http://terminology.hl7.org/CodeSystem/goal-achievement);
- risk history: positive risk statements in any note (copilot.drafting.risk) and
  every PHQ-9 administration with item 9 >= 1 (Kroenke, Spitzer & Williams 2001).

Entries labeled 42 CFR Part 2 keep `restricted`; notes labeled 42 CFR Part 2 or as
psychotherapy notes (HIPAA 45 CFR 164.501, PSYTHPN) are not read for interventions or
risk (their references are listed in `withheld`), as drafts never carry them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B import encounter, goal

from copilot.chart import Client, Medication, Note
from copilot.drafting import risk
from copilot.measures import GAD7, PHQ9, MeasureSeries

from . import parsing

CPT = "http://www.ama-assn.org/go/cpt"
PSYCHIATRY_CPT = range(90785, 90900)  # CPT Psychiatry section, 90785-90899
GOAL_MET = frozenset({"achieved", "sustaining"})
GOAL_NOT_MET = frozenset({"not-achieved", "not-attainable"})

# A clinician's action on a technique, up to the end of the clause: "Used behavioral
# activation in session", "Therapist used cognitive restructuring of self-critical
# thoughts", "Practiced paced breathing with the client".
_ACTION = re.compile(
    r"\b(?:(?:therapist|clinician|we)\s+)?(?P<verb>used|utilized|practi[cs]ed|taught|introduced|"
    r"provided|conducted|facilitated|implemented|applied|reviewed)\s+"
    r"(?P<what>[^.;:\n]{3,120}?)"
    r"(?:\s+(?:in|during|this|today'?s)\s+session|\s+with\s+the\s+client|\s+together)?\s*(?=[.;\n]|$)",
    re.IGNORECASE,
)
_CLIENT_SUBJECT = re.compile(r"\b(?:client|patient|pt|she|he|they)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class TherapySession:
    """A finished therapy Encounter: start, CPT code (None when not coded so), source."""

    start: datetime
    cpt: str | None
    source: str


@dataclass(frozen=True)
class CourseCondition:
    """A Condition of any clinical status: `clinical_status` as coded
    (Condition.clinicalStatus: active, recurrence, relapse, inactive, remission,
    resolved), ICD-10-CM code when coded so, onset and abatement dates."""

    display: str
    icd10: str | None
    clinical_status: str
    onset: date | None
    abatement: date | None
    source: str
    restricted: bool = False

    @property
    def active(self) -> bool:
        return self.clinical_status in {"active", "recurrence", "relapse"}


@dataclass(frozen=True)
class CourseGoal:
    """A treatment-plan Goal: `lifecycle_status` (Goal.lifecycleStatus) and
    `achievement` (the goal-achievement code of Goal.achievementStatus, None when not
    recorded). `met` is True only for achieved / sustaining, False only for
    not-achieved / not-attainable, None otherwise: nothing is inferred from measures."""

    description: str
    lifecycle_status: str
    achievement: str | None
    start: date | None
    due: date | None
    source: str
    restricted: bool = False

    @property
    def met(self) -> bool | None:
        if self.achievement in GOAL_MET:
            return True
        if self.achievement in GOAL_NOT_MET:
            return False
        return None


@dataclass(frozen=True)
class Intervention:
    """A technique named in the notes (lower case, as written), how many notes name it,
    the first and last such note's date, and those notes' references (oldest first)."""

    name: str
    first: date
    last: date
    sources: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.sources)


@dataclass(frozen=True)
class RiskEvent:
    """A positive risk finding with its date: `kind` as copilot.drafting.risk (or
    "phq9_item9"), `quote` the statement (or a sentence describing the item 9 score),
    `source` the DocumentReference or Observation."""

    when: date
    kind: str
    quote: str
    source: str
    about_other: bool = False


@dataclass(frozen=True)
class CourseOfCare:
    """One client's whole course of care as the EHR holds it (see the module docstring).

    `sessions` and `notes_read` are oldest first; `denials` counts notes that document
    a denial of suicidal or homicidal ideation (the last one in `last_denial`);
    `withheld` lists the references of labeled notes not read for interventions or
    risk; `skipped` counts malformed resources left out.
    """

    client: Client
    sessions: tuple[TherapySession, ...] = ()
    conditions: tuple[CourseCondition, ...] = ()
    medications: tuple[Medication, ...] = ()
    phq9: MeasureSeries = MeasureSeries(PHQ9)
    gad7: MeasureSeries = MeasureSeries(GAD7)
    goals: tuple[CourseGoal, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    risk_history: tuple[RiskEvent, ...] = ()
    denials: int = 0
    last_denial: str | None = None
    notes_read: int = 0
    withheld: tuple[str, ...] = ()
    skipped: int = 0

    @property
    def first_session(self) -> TherapySession | None:
        return self.sessions[0] if self.sessions else None

    @property
    def last_session(self) -> TherapySession | None:
        return self.sessions[-1] if self.sessions else None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def build_session(resource: dict[str, Any]) -> TherapySession | None:
    """Encounter → TherapySession; None unless finished, with a start and a Psychiatry
    CPT code (90785-90899) among its types."""
    model = encounter.Encounter.model_validate(resource)
    start = model.period.start if model.period else None
    if model.status != "finished" or start is None:
        return None
    codes = [parsing.code_in(t, CPT) for t in model.type or []]
    cpt = next((c for c in codes if c and c.isdigit() and int(c) in PSYCHIATRY_CPT), None)
    if cpt is None:
        return None
    return TherapySession(start=start, cpt=cpt, source=f"Encounter/{model.id}")


def build_condition(resource: dict[str, Any]) -> CourseCondition | None:
    """Condition → CourseCondition; None when verificationStatus is entered-in-error or
    refuted."""
    diagnosis = parsing.build_diagnosis(resource)
    if diagnosis is None:
        return None
    return CourseCondition(
        display=diagnosis.display,
        icd10=diagnosis.icd10,
        clinical_status=diagnosis.clinical_status or "unknown",
        onset=diagnosis.onset,
        abatement=diagnosis.abatement,
        source=diagnosis.source,
        restricted=diagnosis.restricted,
    )


def build_goal(resource: dict[str, Any]) -> CourseGoal | None:
    """Goal → CourseGoal of any lifecycleStatus; None when entered-in-error."""
    model = goal.Goal.model_validate(resource)
    if model.lifecycleStatus == "entered-in-error":
        return None
    due = next((_date(t.dueDate) for t in model.target or [] if t.dueDate), None)
    description = model.description
    return CourseGoal(
        description=(description.text if description else None) or "(no description)",
        lifecycle_status=model.lifecycleStatus,
        achievement=parsing.code_in(model.achievementStatus),
        start=_date(model.startDate),
        due=due,
        source=f"Goal/{model.id}",
        restricted=parsing.is_part2(model),
    )


def interventions_in(text: str) -> list[str]:
    """Techniques a note says the clinician used, as written, in order, without repeats
    (ignoring case). A clause whose subject is the client ("Client used coping skills")
    is the client's doing, not an intervention."""
    found: dict[str, str] = {}
    for match in _ACTION.finditer(text):
        if _CLIENT_SUBJECT.search(text[: match.start("verb")][-20:]):
            continue
        name = " ".join(match["what"].split()).rstrip(" ,")
        found.setdefault(name.lower(), name)
    return list(found.values())


def collect_interventions(notes: Iterable[Note]) -> tuple[Intervention, ...]:
    """Every intervention named in `notes` (oldest first), most often named first; the
    same technique written in another case is one intervention, named as first written."""
    seen: dict[str, list[Note]] = {}
    names: dict[str, str] = {}
    for note in notes:
        for name in interventions_in(note.text):
            names.setdefault(name.lower(), name)
            seen.setdefault(name.lower(), []).append(note)
    found = [
        Intervention(
            names[name],
            first=_date(named[0].date),
            last=_date(named[-1].date),
            sources=tuple(n.source for n in named),
        )
        for name, named in seen.items()
        if named[0].date is not None
    ]
    return tuple(sorted(found, key=lambda i: (-i.count, i.first)))


def collect_risk(
    notes: Iterable[Note], phq9: MeasureSeries
) -> tuple[tuple[RiskEvent, ...], int, str | None]:
    """(positive risk events, oldest first; notes documenting a denial of SI or HI; the
    last such note's reference). One event per kind and note."""
    events: list[RiskEvent] = []
    denials, last_denial = 0, None
    for note in notes:
        when = _date(note.date)
        if when is None:
            continue
        findings = risk.find_in_text(note.text)
        kinds: set[str] = set()
        for finding in findings:
            if finding.positive and finding.kind not in kinds:
                kinds.add(finding.kind)
                events.append(
                    RiskEvent(when, finding.kind, finding.quote, note.source, finding.about_other)
                )
        ideation = {"suicidal_ideation", "homicidal_ideation"}
        if any(f.negated and f.kind in ideation for f in findings):
            denials, last_denial = denials + 1, note.source
    for result in phq9.item9_positive_results:
        quote = f"PHQ-9 item 9 (thoughts of death or self-harm) scored {result.item9_score}"
        events.append(RiskEvent(result.effective.date(), "phq9_item9", quote, result.source))
    events.sort(key=lambda e: e.when)
    return tuple(events), denials, last_denial


def assemble(raw: dict[str, list[dict[str, Any]]], *, today: date) -> CourseOfCare:
    """The course of care from the resources read (keys: patient, encounters,
    conditions, statements, requests, goals, notes, measures). Raises ValueError when
    the Patient cannot be read."""
    client, s0 = parsing.parse_all(
        raw["patient"][:1], lambda r: parsing.build_client(r, today=today)
    )
    if not client:
        raise ValueError("patient")
    sessions, s1 = parsing.parse_all(raw["encounters"], build_session)
    conditions, s2 = parsing.parse_all(raw["conditions"], build_condition)
    medications, s3 = parsing.parse_all(
        raw["statements"] + raw["requests"], parsing.build_medication
    )
    goals, s4 = parsing.parse_all(raw["goals"], build_goal)
    notes, s5 = parsing.parse_all(raw["notes"], parsing.build_note)
    measures, s6 = parsing.parse_all(raw["measures"], parsing.build_measure)
    notes = sorted((n for n in notes if n.date is not None), key=lambda n: n.date)
    readable = [n for n in notes if not (n.restricted or n.psychotherapy)]
    phq9 = MeasureSeries.of(PHQ9, [m for m in measures if m.instrument is PHQ9])
    risk_history, denials, last_denial = collect_risk(readable, phq9)
    return CourseOfCare(
        client=client[0],
        sessions=tuple(sorted(sessions, key=lambda s: s.start)),
        conditions=tuple(conditions),
        medications=tuple(sorted(medications, key=lambda m: m.display.lower())),
        phq9=phq9,
        gad7=MeasureSeries.of(GAD7, [m for m in measures if m.instrument is GAD7]),
        goals=tuple(goals),
        interventions=collect_interventions(readable),
        risk_history=risk_history,
        denials=denials,
        last_denial=last_denial,
        notes_read=len(readable),
        withheld=tuple(n.source for n in notes if n.restricted or n.psychotherapy),
        skipped=s0 + s1 + s2 + s3 + s4 + s5 + s6,
    )
