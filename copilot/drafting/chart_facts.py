"""Chart facts as note sentences, each citing the FHIR resource it states.

One function per fact kind a template section lists (templates.json "chart"):
measures, diagnoses, goals, medications, next_visit, risk. Each sentence says only
what the ChartContext holds; a kind with nothing in the chart gives no sentence.

Diagnoses, medications and goals labeled 42 CFR Part 2 (`restricted`) are left out of
drafts and prompts: substance-use records may not be redisclosed without the client's consent,
so the clinician adds them by hand where that consent exists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Protocol, TypeVar

from django.utils import timezone

from copilot.chart import ChartContext, Goal
from copilot.measures import MeasureResult, MeasureSeries

from .types import DraftSentence, Source


class _Labeled(Protocol):
    restricted: bool


R = TypeVar("R", bound=_Labeled)

FACT_KINDS = ("measures", "diagnoses", "goals", "medications", "next_visit", "risk")


def chart_sentences(
    kind: str, chart: ChartContext, *, touched_goals: Collection[str] = ()
) -> list[DraftSentence]:
    """The sentences of one fact kind. `touched_goals` holds the FHIR references of the
    goals the session addressed (only those are written). Raises KeyError for an
    unknown kind."""
    writers: dict[str, Callable[[], list[DraftSentence]]] = {
        "measures": lambda: measure_sentences(chart),
        "diagnoses": lambda: diagnosis_sentences(chart),
        "goals": lambda: goal_sentences(chart, touched_goals),
        "medications": lambda: medication_sentences(chart),
        "next_visit": lambda: next_visit_sentences(chart),
        "risk": lambda: risk_sentences(chart),
    }
    return writers[kind]()


def format_date(value: date | datetime) -> str:
    """ "Nov 8, 2026"; an aware datetime is shown in the practice's time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value:%b} {value.day}, {value.year}"


def _points(value: int) -> str:
    return f"{value} point" if abs(value) == 1 else f"{value} points"


def measure_sentences(chart: ChartContext) -> list[DraftSentence]:
    """PHQ-9 then GAD-7: latest total and severity band, change since the previous
    administration, and since the baseline when that is earlier still. E.g. "PHQ-9 total
    6 (mild) on Nov 8, 2026, down 3 from 9 on Oct 25, 2026; 13 points below the baseline
    of 19." Bands: Kroenke et al. 2001 (PHQ-9), Spitzer et al. 2006 (GAD-7)."""
    series = (chart.phq9, chart.gad7)
    return [sentence for s in series if (sentence := measure_sentence(s)) is not None]


def measure_sentence(series: MeasureSeries) -> DraftSentence | None:
    latest, previous, baseline = series.latest, series.previous, series.baseline
    if latest is None:
        return None
    name = series.instrument.name
    text = f"{name} total {latest.total} ({latest.severity}) on {format_date(latest.effective)}"
    cited: list[MeasureResult] = [latest]
    if previous is not None:
        text += f", {_direction(latest.total - previous.total)} {previous.total} on "
        text += format_date(previous.effective)
        cited.append(previous)
    if baseline is not None and baseline is not previous and baseline is not latest:
        text += f"; {_versus_baseline(latest.total - baseline.total)} {baseline.total}"
        cited.append(baseline)
    return DraftSentence(text + ".", tuple(Source.chart(r.source) for r in cited))


def _direction(change: int) -> str:
    if change == 0:
        return "unchanged from"
    return f"{'up' if change > 0 else 'down'} {abs(change)} from"


def _versus_baseline(change: int) -> str:
    if change == 0:
        return "equal to the baseline of"
    return f"{_points(abs(change))} {'above' if change > 0 else 'below'} the baseline of"


def _diagnosis_text(display: str, icd10: str | None) -> str:
    return f"{icd10} {display}" if icd10 else display


def diagnosis_sentences(chart: ChartContext) -> list[DraftSentence]:
    """ "Diagnoses: F33.1 Major depressive disorder, recurrent, moderate." (active
    Conditions, ICD-10-CM code first when coded; Part 2 diagnoses left out)."""
    shown = disclosable(chart.diagnoses)
    if not shown:
        return []
    text = "; ".join(_diagnosis_text(d.display, d.icd10) for d in shown)
    label = "Diagnosis" if len(shown) == 1 else "Diagnoses"
    return [DraftSentence(f"{label}: {text}.", tuple(Source.chart(d.source) for d in shown))]


def _goal_text(goal: Goal) -> str:
    status = f" ({goal.achievement_status.replace('-', ' ')})" if goal.achievement_status else ""
    return f"{goal.description.rstrip('.')}{status}"


def disclosable(entries: Sequence[R]) -> list[R]:
    """The entries not labeled 42 CFR Part 2, in order (42 CFR 2.32: no redisclosure
    without the client's written consent)."""
    return [entry for entry in entries if not entry.restricted]


def goal_sentences(chart: ChartContext, touched: Collection[str]) -> list[DraftSentence]:
    """ "Goal addressed: <description> (<achievement status>)." for each treatment-plan
    goal whose reference is in `touched`, in chart order."""
    return [
        DraftSentence(f"Goal addressed: {_goal_text(g)}.", (Source.chart(g.source),))
        for g in disclosable(chart.goals)
        if g.source in touched
    ]


def _medication_text(display: str, dosage: str | None) -> str:
    return f"{display} ({dosage})" if dosage else display


def medication_sentences(chart: ChartContext) -> list[DraftSentence]:
    """ "Current medications: sertraline 50 MG Oral Tablet (50 mg by mouth once daily)."."""
    medications = disclosable(chart.medications)
    if not medications:
        return []
    text = "; ".join(_medication_text(m.display, m.dosage) for m in medications)
    sources = tuple(Source.chart(m.source) for m in medications)
    return [DraftSentence(f"Current medications: {text}.", sources)]


def next_visit_sentences(chart: ChartContext) -> list[DraftSentence]:
    """ "Next session scheduled for Nov 25, 2026." from the next planned Encounter."""
    visit = chart.next_visit
    if visit is None or visit.start is None:
        return []
    text = f"Next session scheduled for {format_date(visit.start)}."
    return [DraftSentence(text, (Source.chart(visit.source),))]


def risk_sentences(chart: ChartContext) -> list[DraftSentence]:
    """ "PHQ-9 item 9 (thoughts of death or self-harm) scored 1 on Nov 8, 2026." when the
    latest PHQ-9 has item 9 >= 1, which calls for a suicide-risk assessment whatever the
    total (Kroenke, Spitzer & Williams 2001)."""
    latest = chart.phq9.latest
    if latest is None or not latest.item9_positive:
        return []
    text = (
        f"PHQ-9 item 9 (thoughts of death or self-harm) scored {latest.item9_score} "
        f"on {format_date(latest.effective)}."
    )
    return [DraftSentence(text, (Source.chart(latest.source),))]


def client_sentences(chart: ChartContext) -> list[DraftSentence]:
    """ "Client: age 34, female, pronouns she/her/her." (no name or identifiers)."""
    client = chart.client
    parts = [
        f"age {client.age}" if client.age is not None else "",
        client.gender or "",
        f"pronouns {client.pronouns}" if client.pronouns else "",
    ]
    parts = [part for part in parts if part]
    if not parts:
        return []
    return [DraftSentence(f"Client: {', '.join(parts)}.", (Source.chart(client.source),))]


def all_facts(chart: ChartContext) -> list[DraftSentence]:
    """Every fact one at a time (each diagnosis, medication and goal on its own), for
    linking generated text to the chart and for the `llm` prompt."""
    facts = client_sentences(chart) + measure_sentences(chart) + risk_sentences(chart)
    facts += [
        _fact(f"Diagnosis: {_diagnosis_text(d.display, d.icd10)}.", d.source)
        for d in disclosable(chart.diagnoses)
    ]
    facts += [
        _fact(f"Medication: {_medication_text(m.display, m.dosage)}.", m.source)
        for m in disclosable(chart.medications)
    ]
    facts += [
        _fact(f"Treatment goal: {_goal_text(g)}.", g.source) for g in disclosable(chart.goals)
    ]
    return facts + next_visit_sentences(chart)


def _fact(text: str, reference: str) -> DraftSentence:
    return DraftSentence(text, (Source.chart(reference),))


def facts_for_prompt(chart: ChartContext) -> str:
    """The chart facts as prompt lines "- <fact>"; "" when none. FHIR references stay
    out (they carry resource ids): linking back to the chart happens locally."""
    return "\n".join(f"- {fact.text}" for fact in all_facts(chart))
