"""A prior-authorization request (issue 18): the medical-necessity narrative a payer's
reviewer reads, built only from the client's course of care, and the request as a
FHIR R4 `Claim` with `use` preauthorization.

Every sentence cites the FHIR references it rests on (never none); a part the course
holds nothing for is left out rather than said empty. Entries labeled 42 CFR Part 2
are never named (42 CFR 2.32: no redisclosure without written consent), as in every
summary (copilot.summaries.facts, whose sentences the parts reuse).

Parts, in letter order: diagnoses, treatment history (first and last session, count,
cadence, interventions), measures (PHQ-9 and GAD-7 trajectory with the severity bands
of Kroenke, Spitzer & Williams 2001 and Spitzer et al. 2006; response, remission and
reliable change as copilot.measures.outcomes defines them: Kroenke 2001, Lowe et al.,
Med Care 2004), goals, risk history, current medications, then the request and why
it is needed, from those facts only.

Services (`PriorAuthRequest.kind`): continued outpatient individual psychotherapy,
CPT 90834 or 90837 (AMA CPT Professional 2024, copilot.coding.rules), one unit a
session; intensive outpatient program, HCPCS Level II S9480 "Intensive outpatient
psychiatric services, per diem" (CMS HCPCS), one unit a program day.

The Claim follows Da Vinci Prior Authorization Support (PAS) as far as base R4
allows: use preauthorization, the requested item (productOrService, quantity,
servicedPeriod), ICD-10-CM diagnoses, care team, and the narrative as a supportingInfo
of category "info" (http://terminology.hl7.org/CodeSystem/claiminformationcategory)
the item points to. PAS's insurer, Coverage and X12 278 extensions are not filled in:
no Coverage is read yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from fhir.resources.R4B.claim import Claim

from copilot.chart import Medication
from copilot.coding.rules import PSYCHOTHERAPY
from copilot.drafting.chart_facts import disclosable, format_date
from copilot.drafting.types import DraftSentence
from copilot.ehr.base import Agent
from copilot.ehr.course import CourseCondition, CourseGoal, CourseOfCare
from copilot.ehr.documents import AI_LABEL, IDENTIFIER_SYSTEM, practitioner_reference
from copilot.measures import PHQ9, MeasureSeries
from copilot.measures.outcomes import RELIABLE_CHANGE_POINTS, REMISSION_BELOW, outcomes_met
from copilot.summaries import facts

from .fhir import CLAIM_TYPE, CPT, HCPCS, ICD10CM, PRIORITY, care_team

INFO_CATEGORY = "http://terminology.hl7.org/CodeSystem/claiminformationcategory"
OUTPATIENT, IOP = "continued-outpatient", "intensive-outpatient"
IOP_CODE = ("S9480", "Intensive outpatient psychiatric services, per diem")
# Kind → the codes it may be requested with: code → (system, display, unit).
SERVICES: dict[str, dict[str, tuple[str, str, str]]] = {
    OUTPATIENT: {
        b.code: (CPT, b.display, "session") for b in PSYCHOTHERAPY if b.code in {"90834", "90837"}
    },
    IOP: {IOP_CODE[0]: (HCPCS, IOP_CODE[1], "day")},
}
PARTS = {
    "diagnoses": "Diagnoses",
    "history": "Treatment history",
    "measures": "Symptom measures",
    "goals": "Treatment-plan goals",
    "risk": "Risk history",
    "medications": "Current medications",
    "request": "Request",
}
OPEN_GOAL = frozenset({"proposed", "planned", "accepted", "active", "on-hold"})
CURRENT_MEDICATION = frozenset({"active", "intended", "on-hold"})
# Median days between sessions → the cadence a reviewer reads.
CADENCES = ((range(6, 9), "weekly"), (range(13, 16), "every two weeks"), (range(27, 32), "monthly"))
MAX_POINTERS = 4  # diagnosis pointers an item carries (CMS-1500 / 837P)


@dataclass(frozen=True)
class PriorAuthRequest:
    """The service asked for: `kind` (OUTPATIENT: weekly individual psychotherapy,
    `code` 90834 or 90837; IOP: `code` S9480, per diem), `sessions` the units requested
    (sessions, or program days for IOP), from `start` for `weeks` weeks.

    Raises ValueError for an unknown kind, a code the kind does not use, fewer than one
    unit or week, or more units than days in the period."""

    kind: str
    code: str
    sessions: int
    start: date
    weeks: int

    def __post_init__(self) -> None:
        if self.code not in SERVICES.get(self.kind, {}):
            raise ValueError(f"{self.kind} cannot be requested with code {self.code}")
        if self.sessions < 1 or self.weeks < 1:
            raise ValueError("a request needs at least one unit and one week")
        if self.sessions > 7 * self.weeks:
            raise ValueError(f"{self.sessions} units do not fit in {self.weeks} weeks")

    @property
    def end(self) -> date:
        """The last day of the period (inclusive, as FHIR Period.end)."""
        return self.start + timedelta(weeks=self.weeks, days=-1)

    @property
    def system(self) -> str:
        return SERVICES[self.kind][self.code][0]

    @property
    def display(self) -> str:
        return SERVICES[self.kind][self.code][1]

    @property
    def unit(self) -> str:
        return SERVICES[self.kind][self.code][2]


@dataclass(frozen=True)
class Sentence:
    """One sentence of the narrative: `text`, `sources` the FHIR references it rests on
    ("Condition/…", "Observation/…"; never empty, ValueError otherwise) and `part`, a
    key of PARTS (the letter's paragraph)."""

    text: str
    sources: tuple[str, ...]
    part: str

    def __post_init__(self) -> None:
        if not self.sources:
            raise ValueError(f"a narrative sentence needs a source: {self.text!r}")
        if self.part not in PARTS:
            raise ValueError(f"unknown part {self.part!r}")


def request_diagnoses(course: CourseOfCare) -> tuple[CourseCondition, ...]:
    """The diagnoses a request rests on: active (Condition.clinicalStatus active,
    recurrence or relapse), coded in ICD-10-CM and not labeled 42 CFR Part 2, in chart
    order."""
    return tuple(c for c in disclosable(course.conditions) if c.active and c.icd10)


def narrative(
    course: CourseOfCare, request: PriorAuthRequest, *, today: date
) -> tuple[Sentence, ...]:
    """The medical-necessity narrative, part by part (PARTS order; see the module
    docstring), each sentence citing its references. Medications are those current on
    `today` (status active, intended or on-hold, not ended before it).

    Raises ValueError when the course holds no active ICD-10-CM diagnosis that may be
    disclosed: no medical necessity can be shown."""
    if not request_diagnoses(course):
        raise ValueError(
            "No active ICD-10-CM diagnosis in the course of care that may be disclosed "
            "(42 CFR Part 2 ones need written consent): no medical necessity can be shown."
        )
    current = tuple(m for m in course.medications if _current(m, today))
    return (
        *_sourced(facts.diagnoses(course), "diagnoses"),
        *_sourced(facts.course_dates(course), "history"),
        *_cadence(course),
        *_sourced(facts.interventions(course), "history"),
        *_measures(course.phq9),
        *_measures(course.gad7),
        *_sourced(facts.goals(course), "goals"),
        *_sourced(facts.risk_history(course), "risk"),
        *_sourced(facts.medications(replace(course, medications=current)), "medications"),
        _why(course, request),
    )


def letter_text(sentences: Iterable[Sentence]) -> str:
    """Plain text for a printable letter: one paragraph per part, in PARTS order, under
    its heading; paragraphs separated by a blank line."""
    by_part: dict[str, list[str]] = {}
    for sentence in sentences:
        by_part.setdefault(sentence.part, []).append(sentence.text)
    return "\n\n".join(
        f"{title}\n{' '.join(by_part[key])}" for key, title in PARTS.items() if key in by_part
    )


def preauth_resource(
    *,
    client_id: str,
    request: PriorAuthRequest,
    sentences: Sequence[Sentence],
    rendering: Agent,
    supervising: Agent | None,
    diagnoses: Sequence[CourseCondition],
    claim_id: str,
    created: datetime,
) -> dict[str, Any]:
    """The request as a FHIR R4 Claim (a dict ready to POST): use preauthorization,
    status draft, type professional, priority normal, one item (productOrService CPT or
    HCPCS, quantity = `request.sessions`, servicedPeriod `request.start`..`request.end`),
    the ICD-10-CM `diagnosis` list (the item points to the first four), the care team as
    copilot.claims.fhir, identifier urn:uuid:<claim_id>, the AIAST label, and the letter
    text as supportingInfo 1 (category "info").

    Raises ValueError when `diagnoses` is empty, holds one labeled 42 CFR Part 2 or one
    not coded in ICD-10-CM, or `sentences` is empty; pydantic.ValidationError if the
    result would not be a valid R4 Claim."""
    _check_diagnoses(diagnoses)
    if not sentences:
        raise ValueError("a prior-authorization request needs its narrative")
    team = care_team(rendering, supervising)
    resource: dict[str, Any] = {
        "resourceType": "Claim",
        "meta": {"security": [AI_LABEL]},
        "identifier": [{"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{claim_id}"}],
        "status": "draft",
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "preauthorization",
        "patient": {"reference": f"Patient/{client_id}"},
        "created": created.isoformat(timespec="seconds"),
        "provider": practitioner_reference(rendering),
        "priority": {"coding": [{"system": PRIORITY, "code": "normal"}]},
        "careTeam": team,
        "supportingInfo": [
            {
                "sequence": 1,
                "category": {"coding": [{"system": INFO_CATEGORY, "code": "info"}]},
                "valueString": letter_text(sentences),
            }
        ],
        "diagnosis": [
            {
                "sequence": index,
                "diagnosisCodeableConcept": {
                    "coding": [{"system": ICD10CM, "code": dx.icd10, "display": dx.display}]
                },
            }
            for index, dx in enumerate(diagnoses, start=1)
        ],
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "Coverage on file"}}],
        "item": [_item(request, team, len(diagnoses))],
    }
    Claim.model_validate(resource)
    return resource


def _item(request: PriorAuthRequest, team: list[dict[str, Any]], diagnoses: int) -> dict:
    return {
        "sequence": 1,
        "careTeamSequence": [member["sequence"] for member in team],
        "diagnosisSequence": list(range(1, min(diagnoses, MAX_POINTERS) + 1)),
        "informationSequence": [1],
        "productOrService": {
            "coding": [{"system": request.system, "code": request.code, "display": request.display}]
        },
        "servicedPeriod": {"start": request.start.isoformat(), "end": request.end.isoformat()},
        "quantity": {"value": request.sessions},
    }


def _check_diagnoses(diagnoses: Sequence[CourseCondition]) -> None:
    if not diagnoses:
        raise ValueError("a prior-authorization request needs at least one diagnosis")
    for dx in diagnoses:
        if dx.restricted:
            raise ValueError(f"{dx.source} is labeled 42 CFR Part 2: not disclosed to a payer")
        if not dx.icd10:
            raise ValueError(f"{dx.source} is not coded in ICD-10-CM")


def _sourced(drafted: Iterable[DraftSentence], part: str) -> list[Sentence]:
    """The summary sentences with their chart references, those that cite none (the
    summaries' "nothing recorded" sentences) left out."""
    found = []
    for sentence in drafted:
        references = tuple(dict.fromkeys(s.reference for s in sentence.sources if s.reference))
        if references:
            found.append(Sentence(sentence.text, references, part))
    return found


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _current(medication: Medication, today: date) -> bool:
    ended = medication.end is not None and medication.end < today
    return medication.status in CURRENT_MEDICATION and not ended


def _cadence(course: CourseOfCare) -> list[Sentence]:
    """ "Sessions were held weekly (a median of 7 days apart)." from three or more
    sessions, citing every one; nothing for fewer."""
    if len(course.sessions) < 3:
        return []
    days = [s.start.date() for s in course.sessions]
    gap = round(median((b - a).days for a, b in zip(days, days[1:], strict=False)))
    label = next((name for span, name in CADENCES if gap in span), None)
    text = f"Sessions were held {label} (a median of {gap} days apart)."
    if label is None:
        text = f"Sessions were held a median of {gap} days apart."
    return [Sentence(text, tuple(s.source for s in course.sessions), "history")]


def _measures(series: MeasureSeries) -> list[Sentence]:
    """The summaries' trajectory, response and remission sentences, then reliable change
    at the latest PHQ-9 (a change of >= 5 points from baseline, Lowe et al. 2004)."""
    sentences = _sourced(facts.series_sentences(series), "measures")
    first, last = series.baseline, series.latest
    if series.instrument is not PHQ9 or first is None or last is None or first is last:
        return sentences
    met = outcomes_met(series, last)
    change = last.total - first.total
    if "reliable-improvement" in met:
        text = f"Reliable improvement on the PHQ-9: {-change} points below baseline"
    elif "reliable-deterioration" in met:
        text = f"Reliable deterioration on the PHQ-9: {change} points above baseline"
    else:
        points = "point" if abs(change) == 1 else "points"
        text = f"No reliable change on the PHQ-9: {change:+d} {points} from baseline"
    text += (
        f" at the latest administration ({first.total} → {last.total}; reliable change is "
        f"{RELIABLE_CHANGE_POINTS} points or more)."
    )
    return [*sentences, Sentence(text, (first.source, last.source), "measures")]


def _why(course: CourseOfCare, request: PriorAuthRequest) -> Sentence:
    """ "After 16 sessions since <date>, <findings>; <service> is requested for <ICD-10-CM
    codes>[ to reach the treatment-plan goals]." Findings: a PHQ-9 not in remission, a
    GAD-7 above the minimal band, goals not yet recorded as met, the latest risk
    finding; the sentence cites the diagnoses, sessions, measures, goals and risk
    entries it names."""
    diagnoses = request_diagnoses(course)
    lead, lead_refs = _sessions_clause(course)
    findings = [
        clause
        for clause in (
            _measure_clause(course.phq9),
            _measure_clause(course.gad7),
            _goals_clause(course),
            _risk_clause(course),
        )
        if clause[0]
    ]
    purpose = " to reach the treatment-plan goals" if _open_goals(course) else ""
    codes = ", ".join(dx.icd10 or "" for dx in diagnoses)
    service = f"{_service(request)} is requested for {codes}{purpose}."
    text = lead + "; ".join([t for t, _ in findings] + [service])
    references = [dx.source for dx in diagnoses] + lead_refs
    references += [r for _, refs in findings for r in refs]
    return Sentence(text[0].upper() + text[1:], tuple(dict.fromkeys(references)), "request")


def _service(request: PriorAuthRequest) -> str:
    period = (
        f"{_plural(request.sessions, request.unit)} over {_plural(request.weeks, 'week')} "
        f"from {format_date(request.start)} to {format_date(request.end)}"
    )
    system = "CPT" if request.system == CPT else "HCPCS"
    if request.kind == IOP:
        return f"an intensive outpatient program ({system} {request.code}, per diem; {period})"
    weekly = "weekly " if request.sessions == request.weeks else ""
    return f"continued {weekly}individual psychotherapy ({system} {request.code}; {period})"


def _sessions_clause(course: CourseOfCare) -> tuple[str, list[str]]:
    first, last = course.first_session, course.last_session
    if first is None or last is None:
        return "", []
    text = f"after {_plural(len(course.sessions), 'session')} since {format_date(first.start)}, "
    return text, [first.source, last.source]


def _measure_clause(series: MeasureSeries) -> tuple[str, list[str]]:
    """ "PHQ-9 is 6 (mild) on Nov 23, 2026, down from 19 at baseline, short of remission
    (below 5)"; nothing when the latest total is in the minimal band."""
    first, last, name = series.baseline, series.latest, series.instrument.name
    if last is None or last.severity == "minimal":
        return "", []
    text = f"{name} is {last.total} ({last.severity}) on {format_date(last.effective)}"
    if first is not None and first is not last:
        if last.total == first.total:
            text += ", unchanged from baseline"
        else:
            text += (
                f", {'down' if last.total < first.total else 'up'} from {first.total} at baseline"
            )
    if series.instrument is PHQ9:
        text += f", short of remission (below {REMISSION_BELOW})"
    return text, [r.source for r in (first, last) if r is not None]


def _open_goals(course: CourseOfCare) -> list[CourseGoal]:
    """Goals still open (lifecycleStatus proposed … on-hold) not recorded as met."""
    goals = disclosable(course.goals)
    return [g for g in goals if g.lifecycle_status in OPEN_GOAL and g.met is not True]


def _goals_clause(course: CourseOfCare) -> tuple[str, list[str]]:
    open_goals = _open_goals(course)
    if not open_goals:
        return "", []
    total = _plural(len(disclosable(course.goals)), "treatment-plan goal")
    verb = "is" if len(open_goals) == 1 else "are"
    text = f"{len(open_goals)} of {total} {verb} not yet recorded as met"
    return text, [g.source for g in open_goals]


def _risk_clause(course: CourseOfCare) -> tuple[str, list[str]]:
    """The latest day with a risk finding about the client (not about another person)
    and every such finding of that day."""
    own = [e for e in course.risk_history if not e.about_other]
    if not own:
        return "", []
    that_day = [e for e in own if e.when == own[-1].when]
    labels = dict.fromkeys(facts.RISK_LABELS.get(e.kind, e.kind) for e in that_day)
    return f"{' and '.join(labels)} documented on {format_date(own[-1].when)}", [
        e.source for e in that_day
    ]
