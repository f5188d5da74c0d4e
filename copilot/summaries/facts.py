"""Summary sentences from a course of care (copilot.ehr.course), each citing its sources.

One function per section kind; each says only what the course holds, and says so
when it holds nothing. Entries labeled 42 CFR Part 2 (`restricted`) are left out, as
in every draft (copilot.drafting.chart_facts.disclosable: 42 CFR 2.32, no
redisclosure without written consent).

Measures: severity bands of Kroenke et al. 2001 (PHQ-9) and Spitzer et al. 2006
(GAD-7); response (>= 50 % drop from baseline) and remission (PHQ-9 < 5) as
copilot.measures.outcomes defines them (Kroenke 2001; Lowe et al., Med Care 2004).
Goals: met / not met only as Goal.achievementStatus records it (CourseGoal.met).
"""

from __future__ import annotations

from collections.abc import Iterable

from copilot.drafting.chart_facts import disclosable, format_date
from copilot.drafting.types import DraftSentence, Source
from copilot.ehr.course import CourseGoal, CourseOfCare, RiskEvent
from copilot.measures import PHQ9, MeasureSeries
from copilot.measures.outcomes import REMISSION_BELOW, change_percent, outcomes

RISK_LABELS = {
    "suicidal_ideation": "suicidal ideation",
    "homicidal_ideation": "homicidal ideation",
    "self_harm": "self-harm",
    "intent_or_plan": "intent, plan or access to means",
    "abuse": "abuse or violence",
    "phq9_item9": "PHQ-9 item 9 positive",
}


def _sentence(text: str, references: Iterable[str]) -> DraftSentence:
    return DraftSentence(text, tuple(Source.chart(r) for r in dict.fromkeys(references)))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def course_dates(course: CourseOfCare) -> list[DraftSentence]:
    """ "Treatment from Aug 14, 2026 to Nov 27, 2026: 16 therapy sessions (CPT 90791,
    90834, 90837)." citing the first and last Encounter."""
    first, last = course.first_session, course.last_session
    if first is None or last is None:
        return [DraftSentence("No finished therapy sessions are recorded in the EHR.")]
    codes = ", ".join(sorted({s.cpt for s in course.sessions if s.cpt}))
    count = _plural(len(course.sessions), "therapy session")
    if first is last:
        text = f"One therapy session on {format_date(first.start)} (CPT {codes})."
    else:
        text = (
            f"Treatment from {format_date(first.start)} to {format_date(last.start)}: "
            f"{count} (CPT {codes})."
        )
    return [_sentence(text, [first.source, last.source])]


def diagnoses(course: CourseOfCare) -> list[DraftSentence]:
    """Active diagnoses, then resolved or inactive ones with their abatement date, ICD-10-CM
    code first when coded."""
    shown = disclosable(course.conditions)
    if not shown:
        return [DraftSentence("No diagnoses are recorded in the EHR.")]

    def named(c) -> str:
        return f"{c.icd10} {c.display}" if c.icd10 else c.display

    sentences = []
    active = [c for c in shown if c.active]
    if active:
        label = "Diagnosis" if len(active) == 1 else "Diagnoses"
        text = f"{label}: {'; '.join(named(c) for c in active)}."
        sentences.append(_sentence(text, [c.source for c in active]))
    for c in (c for c in shown if not c.active):
        since = f" since {format_date(c.abatement)}" if c.abatement else ""
        text = f"Previous diagnosis: {named(c)} ({c.clinical_status}{since})."
        sentences.append(_sentence(text, [c.source]))
    return sentences


def medications(course: CourseOfCare) -> list[DraftSentence]:
    """Current medications with dosage, one sentence each."""
    shown = disclosable(course.medications)
    if not shown:
        return [DraftSentence("No current medications are recorded in the EHR.")]
    return [
        _sentence(
            f"Medication: {m.display}{f' ({m.dosage})' if m.dosage else ''}"
            f"{f', since {format_date(m.start)}' if m.start else ''}.",
            [m.source],
        )
        for m in shown
    ]


def interventions(course: CourseOfCare) -> list[DraftSentence]:
    """ "Sleep hygiene psychoeducation: named in 7 notes, Aug 21, 2026 to Nov 20, 2026."
    citing those notes, most often named first."""
    if not course.interventions:
        return [DraftSentence("No interventions are named in the progress notes read.")]
    sentences = []
    for item in course.interventions:
        name = item.name[0].upper() + item.name[1:]
        when = (
            f"on {format_date(item.first)}"
            if item.first == item.last
            else f"{format_date(item.first)} to {format_date(item.last)}"
        )
        text = f"{name}: named in {_plural(item.count, 'note')}, {when}."
        sentences.append(_sentence(text, item.sources))
    return sentences


def measures(course: CourseOfCare) -> list[DraftSentence]:
    """Per instrument: first → last total with severity at each end, change in points and
    percent; then response and remission (PHQ-9 only) reached or not."""
    sentences = [s for series in (course.phq9, course.gad7) for s in series_sentences(series)]
    return sentences or [DraftSentence("No PHQ-9 or GAD-7 results are recorded in the EHR.")]


def series_sentences(series: MeasureSeries) -> list[DraftSentence]:
    """One instrument's trajectory (first → last total with severity bands, change in
    points and percent; or its one administration) and, for two or more results,
    response and (PHQ-9 only) remission reached or not. Empty for an empty series."""
    first, last, name = series.baseline, series.latest, series.instrument.name
    if first is None or last is None:
        return []
    if first is last:
        text = (
            f"{name}: one administration, {first.total} ({first.severity}) on "
            f"{format_date(first.effective)}; no change can be measured."
        )
        return [_sentence(text, [first.source])]
    change = last.total - first.total
    percent = change_percent(first.total, last.total)
    text = (
        f"{name}: {first.total} ({first.severity}) on {format_date(first.effective)} → "
        f"{last.total} ({last.severity}) on {format_date(last.effective)}, "
        f"{'+' if change > 0 else ''}{change} point{'' if abs(change) == 1 else 's'}"
        f"{f' ({percent:+d}%)' if percent is not None else ''} over "
        f"{len(series.results)} administrations."
    )
    sentences = [_sentence(text, [first.source, last.source])]
    reached = {o.kind: o for o in outcomes(series)}
    kinds = ("response", "remission") if series.instrument is PHQ9 else ("response",)
    for kind in kinds:
        sentences.append(_outcome_sentence(series, kind, reached.get(kind)))
    return sentences


def _outcome_sentence(series: MeasureSeries, kind: str, outcome) -> DraftSentence:
    name = series.instrument.name
    rule = (
        "a drop of at least 50% from baseline"
        if kind == "response"
        else (f"{name} below {REMISSION_BELOW}")
    )
    if outcome is None:
        still = ""
        if kind == "remission" and series.latest is not None:
            still = f"; latest {series.latest.total}"
        return _sentence(
            f"{name} {kind} ({rule}) not reached{still}.",
            [r.source for r in (series.baseline, series.latest) if r is not None],
        )
    text = (
        f"{name} {kind} ({rule}) first reached on {format_date(outcome.result.effective)} "
        f"({outcome.detail})."
    )
    return _sentence(text, outcome.sources)


def goals(course: CourseOfCare) -> list[DraftSentence]:
    """Goals met, not met, then not recorded as met, each with its recorded
    achievementStatus and lifecycleStatus. Nothing is marked met that the Goal does
    not record as achieved (or sustaining)."""
    shown = disclosable(course.goals)
    if not shown:
        return [DraftSentence("No treatment-plan goals are recorded in the EHR.")]
    ordered = sorted(shown, key=lambda g: {True: 0, False: 1, None: 2}[g.met])
    return [_goal_sentence(g) for g in ordered]


def _goal_sentence(goal: CourseGoal) -> DraftSentence:
    status = f"achievementStatus {goal.achievement or 'not recorded'}, "
    status += f"lifecycleStatus {goal.lifecycle_status}"
    label = {True: "Goal met", False: "Goal not met", None: "Goal not recorded as met"}[goal.met]
    return _sentence(f"{label}: {goal.description.rstrip('.')} ({status}).", [goal.source])


def risk_history(course: CourseOfCare) -> list[DraftSentence]:
    """Each positive risk statement and positive PHQ-9 item 9 with its date, oldest
    first; then how many notes document a denial of SI/HI; or that none was found."""
    sentences = [_risk_sentence(event) for event in course.risk_history]
    if course.denials and course.last_denial:
        text = (
            f"Suicidal or homicidal ideation denied in {_plural(course.denials, 'note')} "
            f"of {course.notes_read} read."
        )
        sentences.append(_sentence(text, [course.last_denial]))
    if not course.risk_history:
        sentences.insert(
            0,
            DraftSentence(
                f"No suicidal or homicidal ideation, self-harm or positive PHQ-9 item 9 is "
                f"documented in the {_plural(course.notes_read, 'note')} and measures read."
            ),
        )
    return sentences


def _risk_sentence(event: RiskEvent) -> DraftSentence:
    label = RISK_LABELS.get(event.kind, event.kind.replace("_", " "))
    about = " (about another person)" if event.about_other else ""
    if event.kind == "phq9_item9":
        text = f"{format_date(event.when)}: {event.quote}."
    else:
        text = f"{format_date(event.when)}: {label}{about} documented: “{event.quote.rstrip('.')}.”"
    return _sentence(text, [event.source])
