"""Questions about structured chart facts, answered exactly from the ChartContext.

`answer_structured(question, chart)` recognizes, by keyword rules:
- PHQ-9 / GAD-7 scores: the latest, at intake, on or nearest a date, in a range or
  since a date, and trends (first -> last with the change in points);
- medications: the active list (with those stopped or completed when none is
  active, or when the question asks about past ones), or one medication's start
  date, dosage and end;
- diagnoses (ICD-10-CM): the active ones, and the resolved, inactive or in remission
  ones when the question asks about past ones or none is active;
- the care team (who is the client's therapist, supervisor, psychiatrist…);
- the treatment plan (its modality and session frequency: "how often am I seeing
  her?") and its goals, and the next or last appointment (when it was, not what it
  held: "what did we work on last session?" reads the note).
Anything else returns None and goes to retrieval. Every sentence cites the FHIR
resource it states (Observation, MedicationStatement, Condition, Encounter).

Severity bands: PHQ-9, Kroenke, Spitzer & Williams 2001; GAD-7, Spitzer et al. 2006
(copilot.measures). Diagnoses (and any entry) labeled 42 CFR Part 2 are left out
unless `include_restricted` says the client consented to their redisclosure; an
omission is not announced, since saying that a restricted record exists discloses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime

from django.utils import timezone

from copilot.chart import (
    CareTeamMember,
    ChartContext,
    Diagnosis,
    Goal,
    Medication,
    TreatmentPlan,
    Visit,
)
from copilot.drafting.chart_facts import format_date
from copilot.measures import MeasureResult, MeasureSeries

from .dates import When, when_in
from .types import Answer, AnswerSentence, Citation

_PHQ9 = re.compile(r"\bphq(?:[\s-]?9)?\b|\bdepression (?:score|scale|screen)", re.IGNORECASE)
_GAD7 = re.compile(r"\bgad[\s-]?7\b|\banxiety (?:score|scale|screen)", re.IGNORECASE)
_TREND = re.compile(
    r"\b(?:trend\w*|over time|progress\w*|chang\w*|improv\w*|wors\w*|history|all\b.*\bscores"
    r"|scores)\b",
    re.IGNORECASE,
)
_BASELINE = re.compile(r"\b(?:intake|baseline|first|initial)\b", re.IGNORECASE)
_MEDICATION_LIST = re.compile(  # not "prescribed": when a past one was is in the notes
    r"\b(?:med|meds|medications?|medicines?|prescriptions|rx|taking|dos(?:e|age|ing))\b",
    re.IGNORECASE,
)
_START = re.compile(r"\b(?:start\w*|beg[ai]n\w*|commenc\w*|initiat\w*|put on)\b", re.IGNORECASE)
_DIAGNOSIS = re.compile(
    r"\b(?:diagnos\w*|dx|icd(?:-?10)?|conditions?|problem list)\b", re.IGNORECASE
)
_VISIT = re.compile(
    r"\b(?P<which>next|upcoming|last|previous|most recent|latest)\s+"
    r"(?:scheduled\s+)?(?:appointment|appt|session|visit)\b",
    re.IGNORECASE,
)
_CONTENT = re.compile(  # about what a session held, not when it was: read the note
    r"\b(?:work(?:ed)? on|talk(?:ed)? about|discuss\w*|cover\w*|focus\w*|happen\w*|"
    r"go over|went over|address\w*|summar\w*|homework|plan(?:ned)? for)\b",
    re.IGNORECASE,
)
_GOAL = re.compile(r"\b(?:goals?|objectives?|treatment plan)\b", re.IGNORECASE)
_PLAN = re.compile(r"\b(?:treatment plan|care ?plan|plan of care)\b", re.IGNORECASE)
_FREQUENCY = re.compile(
    r"\bhow (?:often|frequently) (?:am i|are we|do (?:i|we)|does (?:she|he|they)|do they|is)\s+"
    r"(?:\S+\s+)?(?:see\w*|meet\w*|com\w+ in|have sessions|scheduled)\b"
    r"|\b(?:session|visit|appointment) frequency\b|\bfrequency of (?:sessions|visits|care)\b"
    r"|\bhow (?:often|frequently) (?:are|is) (?:\S+ )?(?:sessions?|visits?|appointments?)\b",
    re.IGNORECASE,
)
_PAST = re.compile(  # past diagnoses or medications, not only the current ones
    r"\b(?:resolved|past|previous\w*|prior|former\w*|history|ever|remission|inactive|old"
    r"|stopp\w*|discontinu\w*|used to|tried|no longer|anymore|any more)\b",
    re.IGNORECASE,
)
_CARE_TEAM = re.compile(
    r"\bcare ?team\b|\bwho(?:'s| is| are)?\b.*\b(?:supervis\w*|therapist|counsel(?:or|l?ing)"
    r"|clinician|psychiatrist|prescrib\w*|provider|case manager|treating|seeing|working with)\b",
    re.IGNORECASE,
)
_ITEM9 = "item 9 (thoughts of being better off dead or of self-harm)"


def answer_structured(
    question: str, chart: ChartContext, *, include_restricted: bool = False
) -> Answer | None:
    """The exact answer from FHIR data, or None when the question is not structured."""
    routes: list[Callable[[], list[AnswerSentence] | None]] = [
        lambda: measure_sentences(question, chart),
        lambda: visit_sentences(question, chart),
        lambda: plan_sentences(question, chart, include_restricted=include_restricted),
        lambda: medication_sentences(question, chart, include_restricted=include_restricted),
        lambda: diagnosis_sentences(question, chart, include_restricted=include_restricted),
        lambda: goal_sentences(question, chart, include_restricted=include_restricted),
        lambda: care_team_sentences(question, chart),
    ]
    for route in routes:
        sentences = route()
        if sentences is not None:
            found = any(s.citations for s in sentences)
            return Answer(question, "structured", tuple(sentences), found=found)
    return None


# --- PHQ-9 / GAD-7 ------------------------------------------------------------------------


def measure_sentences(question: str, chart: ChartContext) -> list[AnswerSentence] | None:
    """Sentences about the instruments the question names (PHQ-9, GAD-7 or both)."""
    named = [
        s for pattern, s in ((_PHQ9, chart.phq9), (_GAD7, chart.gad7)) if pattern.search(question)
    ]
    if not named:
        return None
    when = when_in(question, chart.read_at.date()) or _medication_start(question, chart)
    sentences = [s for series in named for s in _series_sentences(question, series, when)]
    if _GOAL.search(question):  # "progress on the GAD-7 goal": the goal, then its scores
        names = [series.instrument.name for series in named]
        goals = [g for g in chart.goals if not g.restricted and _names_any(g.description, names)]
        sentences = [_goal_sentence(g) for g in goals] + sentences
    return sentences


def _names_any(text: str, instruments: list[str]) -> bool:
    squeezed = re.sub(r"[\s-]", "", text.lower())
    return any(re.sub(r"[\s-]", "", name.lower()) in squeezed for name in instruments)


def _medication_start(question: str, chart: ChartContext) -> When | None:
    """ "PHQ-9 when she started sertraline": the day the named medication started."""
    if not _START.search(question):
        return None
    started = [m for m in chart.medications if m.start and _names(question, m)]
    if not started:
        return None
    name = started[0].display.split()[0]
    return When("point", started[0].start, started[0].start, f"the start of {name}")


def _series_sentences(
    question: str, series: MeasureSeries, when: When | None
) -> list[AnswerSentence]:
    name = series.instrument.name
    if not series.results:
        return [AnswerSentence(f"No {name} scores are recorded in the chart.")]
    if when is not None and when.kind == "point":
        return _nearest(series, when)
    if when is not None:
        return _window(series, when)
    if _TREND.search(question):
        return _trend(series, series.results)
    if _BASELINE.search(question):
        return _result_sentences(series.baseline, f"The first {name} in the chart is")
    return _latest(series)


def _nearest(series: MeasureSeries, when: When) -> list[AnswerSentence]:
    """The administration closest in time to the asked-about day, with its real date."""
    result = min(series.results, key=lambda r: (abs((_day(r) - when.start).days), _day(r)))
    if _day(result) == when.start:
        return _result_sentences(
            result, f"On {format_date(when.start)} the {series.instrument.name} was"
        )
    lead = (
        f"The {series.instrument.name} nearest to {when.phrase} ({format_date(when.start)}) "
        f"was taken on {format_date(result.effective)}:"
    )
    return _result_sentences(result, lead, with_date=False)


def _window(series: MeasureSeries, when: When) -> list[AnswerSentence]:
    inside = [r for r in series.results if when.start <= _day(r) <= when.end]
    span = f"between {format_date(when.start)} and {format_date(when.end)}"
    if when.kind == "since":
        span = f"since {format_date(when.start)}"
    name = series.instrument.name
    if not inside:
        first, last = series.results[0], series.results[-1]
        return [
            AnswerSentence(
                f"No {name} was recorded {span}; the chart has {name} scores from "
                f"{format_date(first.effective)} to {format_date(last.effective)}.",
                (_cite(first), _cite(last)),
            )
        ]
    if len(inside) == 1:
        return _result_sentences(inside[0], f"The only {name} {span} was")
    return _trend(series, inside)


def _trend(series: MeasureSeries, results: Sequence[MeasureResult]) -> list[AnswerSentence]:
    """First -> last with the change in points, then every score in order."""
    name, first, last = series.instrument.name, results[0], results[-1]
    if first is last:
        return _result_sentences(first, f"There is one {name} in the chart:")
    change = last.total - first.total
    summary = (
        f"{name} went from {_score(first)} on {format_date(first.effective)} to {_score(last)} "
        f"on {format_date(last.effective)}, {_change(change)} over {len(results)} administrations."
    )
    listing = "; ".join(f"{r.total} on {format_date(r.effective)}" for r in results)
    sentences = [
        AnswerSentence(summary, (_cite(first), _cite(last))),
        AnswerSentence(f"All {name} totals: {listing}.", tuple(_cite(r) for r in results)),
    ]
    return sentences + _item9_sentences([r for r in results if r.item9_positive])


def _latest(series: MeasureSeries) -> list[AnswerSentence]:
    latest, previous = series.latest, series.previous
    sentences = _result_sentences(latest, f"The latest {series.instrument.name} is", item9=False)
    if previous is not None:
        change = latest.total - previous.total
        sentences.append(
            AnswerSentence(
                f"That is {_change(change)} from {previous.total} on "
                f"{format_date(previous.effective)}.",
                (_cite(latest), _cite(previous)),
            )
        )
    return sentences + _item9_sentences([latest] if latest.item9_positive else [])


def _result_sentences(
    result: MeasureResult, lead: str, *, with_date: bool = True, item9: bool = True
) -> list[AnswerSentence]:
    when = (
        f" on {format_date(result.effective)}" if with_date and not lead.startswith("On ") else ""
    )
    sentences = [AnswerSentence(f"{lead} {_score(result)}{when}.", (_cite(result),))]
    return sentences + (_item9_sentences([result]) if item9 and result.item9_positive else [])


def _item9_sentences(results: Sequence[MeasureResult]) -> list[AnswerSentence]:
    """PHQ-9 item 9 >= 1 calls for a suicide-risk assessment (Kroenke et al. 2001)."""
    if not results:
        return []
    days = ", ".join(f"{r.item9_score} on {format_date(r.effective)}" for r in results)
    return [
        AnswerSentence(
            f"PHQ-9 {_ITEM9} was scored {days}; a positive item 9 calls for a suicide-risk "
            "assessment.",
            tuple(_cite(r) for r in results),
        )
    ]


def _score(result: MeasureResult) -> str:
    return f"{result.total} ({result.severity})"


def _change(points: int) -> str:
    if points == 0:
        return "unchanged"
    unit = "point" if abs(points) == 1 else "points"
    return f"{'down' if points < 0 else 'up'} {abs(points)} {unit}"


def _day(result: MeasureResult) -> date:
    return _local(result.effective).date()


def _cite(result: MeasureResult) -> Citation:
    return Citation(result.source, f"{result.instrument.name} {result.total}", result.effective)


# --- medications ------------------------------------------------------------------------------


def medication_sentences(
    question: str, chart: ChartContext, *, include_restricted: bool = False
) -> list[AnswerSentence] | None:
    """The medications the question names (active, or stopped / completed
    MedicationStatements); the active list when it asks for medications, followed by
    the past ones when it asks about past ones or none is active; None (retrieval) for
    any other medication question, such as when a medication no longer taken was
    prescribed (Synthea records those as MedicationRequests, which the chart does not
    carry once stopped)."""
    medications = [m for m in chart.medications if include_restricted or not m.restricted]
    past = [m for m in chart.past_medications if include_restricted or not m.restricted]
    named = [m for m in medications + past if _names(question, m)]
    if named:
        return [_medication_sentence(m, start_first=bool(_START.search(question))) for m in named]
    if not _MEDICATION_LIST.search(question):
        return None  # "at which visit was amoxicillin prescribed?": a past one, in the notes
    sentences = [_medication_sentence(m) for m in medications]
    if not medications:
        sentences = [AnswerSentence("No active medications are recorded in the chart.")]
    if past and (not medications or _PAST.search(question)):
        sentences += [_medication_sentence(m) for m in past]
    return sentences


def _names(question: str, medication: Medication) -> bool:
    """The question names the medication's ingredient (the first word of its display)."""
    ingredient = medication.display.split()[0].lower() if medication.display else ""
    return len(ingredient) > 3 and bool(
        re.search(rf"\b{re.escape(ingredient)}\b", question.lower())
    )


def _medication_sentence(medication: Medication, *, start_first: bool = False) -> AnswerSentence:
    """ "<Name>: <dosage>; active, started <day>." or, for one that ended, "<Name>:
    <dosage>; started <day>, stopped <day>."; with `start_first`, "<Name> was started
    on <day> (…)"."""
    started = (
        f"started {format_date(medication.start)}" if medication.start else "no start date recorded"
    )
    ended = f"{medication.status} {format_date(medication.end)}" if medication.end else ""
    details = "; ".join(filter(None, [medication.dosage, ended or medication.status]))
    name = medication.display[:1].upper() + medication.display[1:]
    if start_first and medication.start:
        text = f"{name} was started on {format_date(medication.start)} ({details})."
    elif ended:
        text = f"{name}: {'; '.join(filter(None, [medication.dosage, started]))}, {ended}."
    else:
        text = f"{name}: {details}, {started}."
    citation = Citation(medication.source, medication.display, medication.start)
    return AnswerSentence(text, (citation,))


# --- diagnoses --------------------------------------------------------------------------------


def diagnosis_sentences(
    question: str, chart: ChartContext, *, include_restricted: bool = False
) -> list[AnswerSentence] | None:
    """Active diagnoses with ICD-10-CM codes and onset, then the resolved, inactive or
    in-remission ones (with the day they abated) when the question asks about past
    diagnoses or none is active; Part 2 ones only with consent."""
    if not _DIAGNOSIS.search(question):
        return None
    shown = [d for d in chart.diagnoses if include_restricted or not d.restricted]
    past = [d for d in chart.past_diagnoses if include_restricted or not d.restricted]
    sentences = [_diagnosis_sentence(d) for d in shown]
    if not shown:
        sentences = [AnswerSentence("No active diagnoses are available in the chart.")]
    if _PAST.search(question) and not past:
        sentences.insert(0, AnswerSentence("No past diagnoses are recorded in the chart."))
    if past and (not shown or _PAST.search(question)):
        sentences = [_diagnosis_sentence(d) for d in past] + sentences
    return sentences


def _diagnosis_sentence(diagnosis: Diagnosis) -> AnswerSentence:
    code = f" (ICD-10-CM {diagnosis.icd10})" if diagnosis.icd10 else ""
    onset = f", onset {format_date(diagnosis.onset)}" if diagnosis.onset else ""
    status = diagnosis.clinical_status or "active"
    if status != "active":
        when = f" {format_date(diagnosis.abatement)}" if diagnosis.abatement else ""
        status = "in remission" if status == "remission" else status
        onset += f"; {status}{when}"
    citation = Citation(diagnosis.source, diagnosis.display, diagnosis.onset)
    return AnswerSentence(f"{diagnosis.display}{code}{onset}.", (citation,))


def plan_sentences(
    question: str, chart: ChartContext, *, include_restricted: bool = False
) -> list[AnswerSentence] | None:
    """How often the client is seen ("how often am I seeing her?"): the active
    treatment plan's description, which states the modality and frequency. None for
    other questions, or when the chart has no plan to answer from (retrieval then
    reads the notes)."""
    plan = _shown_plan(chart, include_restricted)
    if plan is None or not _FREQUENCY.search(question):
        return None
    return [_plan_sentence(plan)]


def _shown_plan(chart: ChartContext, include_restricted: bool) -> TreatmentPlan | None:
    plan = chart.treatment_plan
    return plan if plan and (include_restricted or not plan.restricted) else None


def _plan_sentence(plan: TreatmentPlan) -> AnswerSentence:
    since = f" (since {format_date(plan.start)})" if plan.start else ""
    what = plan.description or "no description recorded"
    activities = f" Activities: {'; '.join(plan.activities)}." if plan.activities else ""
    text = f"{plan.title}{since}: {what.rstrip('.')}.{activities}"
    return AnswerSentence(text, (Citation(plan.source, plan.title, plan.start),))


def goal_sentences(
    question: str, chart: ChartContext, *, include_restricted: bool = False
) -> list[AnswerSentence] | None:
    """The treatment-plan Goals with their achievement status and target date, active
    first, after the plan itself when the question names the treatment plan; Part 2
    ones only with consent. Progress notes about a goal are left to retrieval ("how is
    she doing on her sleep goal?" names no Goal wording)."""
    if not _GOAL.search(question):
        return None
    plan = _shown_plan(chart, include_restricted) if _PLAN.search(question) else None
    lead = [_plan_sentence(plan)] if plan else []
    shown = [g for g in chart.goals if include_restricted or not g.restricted]
    if not shown:
        return lead or [AnswerSentence("No treatment-plan goals are recorded in the chart.")]
    order = {"active": 0, "on-hold": 1, "proposed": 2, "planned": 2, "accepted": 2}
    return lead + [
        _goal_sentence(g) for g in sorted(shown, key=lambda g: order.get(g.lifecycle_status, 3))
    ]


def _goal_sentence(goal: Goal) -> AnswerSentence:
    status = (goal.achievement_status or goal.lifecycle_status).replace("-", " ")
    due = f", target {format_date(goal.due)}" if goal.due else ""
    citation = Citation(goal.source, "Goal", goal.start)
    return AnswerSentence(f"Goal: {goal.description} ({status}{due}).", (citation,))


# --- care team -------------------------------------------------------------------------------


_ROLE = re.compile(
    r"\b(?:supervis\w*|therapist|psychiatrist|prescriber|case manager|counsel(?:or|l?ing)"
    r"|social worker|nurse|physician|pcp|psychologist|care coordinator"
    r"|peer (?:specialist|support))",
    re.IGNORECASE,
)


def care_team_sentences(question: str, chart: ChartContext) -> list[AnswerSentence] | None:
    """Who is on the client's active CareTeam: the members whose role the question
    names ("who supervises…" → the Supervisor; a role nobody holds is said so), or
    everyone with their roles."""
    if not _CARE_TEAM.search(question):
        return None
    if not chart.care_team:
        return [AnswerSentence("No care team is recorded in the chart.")]
    role = _ROLE.search(question)
    if role is None:
        return [_member_sentence(m) for m in chart.care_team]
    asked = [m for m in chart.care_team if m.role and _same_role(role[0], m.role)]
    if not asked:
        return [AnswerSentence(f"No {role[0].lower()} is recorded on the care team.")]
    return [_member_sentence(m) for m in asked]


def _same_role(named: str, role: str) -> bool:
    """The role text holds a word starting like the named one ("supervising" ~
    "Supervisor", "therapist" ~ "Primary therapist"): their first five letters match."""
    return named[:5].lower() in {w[:5] for w in re.findall(r"[a-z]{3,}", role.lower())}


def _member_sentence(member: CareTeamMember) -> AnswerSentence:
    role = f"{member.role}: " if member.role else ""
    return AnswerSentence(f"{role}{member.name}.", (Citation(member.source, "Care team", None),))


# --- appointments -----------------------------------------------------------------------------


def visit_sentences(question: str, chart: ChartContext) -> list[AnswerSentence] | None:
    """The next planned appointment or the last visit, with date, local time and type."""
    match = _VISIT.search(question)
    if not match or _CONTENT.search(question):
        return None
    upcoming = match["which"].lower() in ("next", "upcoming")
    visit = chart.next_visit if upcoming else chart.last_visit
    if visit is None or visit.start is None:
        what = "upcoming appointment" if upcoming else "past visit"
        return [AnswerSentence(f"No {what} is recorded in the chart.")]
    lead = "The next appointment is" if upcoming else "The last visit was"
    return [AnswerSentence(f"{lead} {_visit_text(visit)}.", (_visit_citation(visit),))]


def _visit_text(visit: Visit) -> str:
    start = _local(visit.start)
    kind = f" ({visit.type}; {visit.status})" if visit.type else f" ({visit.status})"
    return f"on {start:%A} {format_date(start)} at {start:%H:%M}{kind}"


def _visit_citation(visit: Visit) -> Citation:
    return Citation(visit.source, visit.type or "Encounter", visit.start)


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value
