"""Intake assessment: a structured draft from the client's intake questionnaire.

Sections (templates.json "intake"), each sentence citing the QuestionnaireResponse or
Observation it states:

- Risk and safety (first): positive risk answers — PHQ-9 item 9 scored 1 or more
  (Kroenke, Spitzer & Williams 2001: calls for a suicide-risk assessment whatever the
  total), thoughts of suicide, self-harm or violence — each quoted with its linkId;
  then documented denials. A positive answer is also a RiskFlag the clinician
  acknowledges before Approve (`risk_findings`).
- Presenting problem: the client's answer, and the clinician's own notes if given.
- History: psychiatric and treatment, medical, substance use, family and social, as
  answered; a placeholder for each area the intake did not cover.
- Scores: PHQ-9 / GAD-7 totals at intake with severity bands (copilot.measures:
  Kroenke 2001; Spitzer 2006), from the questionnaire, else from the Observation of
  the intake day.
- Initial impressions: "[clinician to complete: …]" placeholders (diagnostic
  impression, treatment recommendations); only the clinician's own words go here.

42 CFR Part 2: an intake labeled 42CFRPart2 is left out whole, as Part 2 entries are
left out of progress-note drafts (copilot.drafting.chart_facts.disclosable; 42 CFR
2.32, no redisclosure without written consent; the Part2Consent record unlocks chart
Q&A only). The draft then says so in a placeholder and leaves placeholders for every
answer; scores still come from the chart's unlabeled Observations.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone

from copilot.chart import ChartContext
from copilot.drafting.chart_facts import format_date
from copilot.drafting.engines import DraftEngine, EngineError
from copilot.drafting.grounded import PLACEHOLDER, analyse, is_documented
from copilot.drafting.risk import RiskFinding, RiskKind
from copilot.drafting.types import (
    DraftedSection,
    DraftRequest,
    DraftSentence,
    EngineEvent,
    EngineInfo,
    SectionCompleted,
    SectionStarted,
    Source,
)
from copilot.ehr import ChartGateway, get_gateway
from copilot.ehr.intake import Intake, IntakeAnswer
from copilot.measures import GAD7, PHQ9, Instrument, MeasureResult

ENGINE_VERSION = "intake-1.0"
NO_INTAKE = "No intake questionnaire is on this chart."
HISTORY_AREAS = (  # (topic, label), in the order the History section gives them
    ("history_psychiatric", "Psychiatric and treatment history"),
    ("history_medical", "Medical history"),
    ("history_substance", "Substance use"),
    ("history_family_social", "Family and social history"),
)
_DENIAL = re.compile(r"^\W*(?:no|none|never|denie[sd]|not\s+at\s+all|n/?a|0)\b", re.IGNORECASE)
_OTHERS = re.compile(
    r"homicid|violen|(?:harm|hurt|kill)(?:ing)?\s+(?:someone|others|anyone|other\s+people)",
    re.IGNORECASE,
)
_SELF_HARM = re.compile(
    r"self[-\s]?harm|(?:harm|hurt|cut)(?:ing)?\s+(?:yourself|myself)", re.IGNORECASE
)
_KIND_WORDS: dict[str, str] = {
    "suicidal_ideation": "thoughts of suicide",
    "self_harm": "self-harm",
    "homicidal_ideation": "thoughts of harming others",
}


class IntakeEngine(DraftEngine):
    """The offline intake engine: every sentence is an intake answer or a score, quoted
    and cited; nothing is generated. `gateway` defaults to copilot.ehr.get_gateway()."""

    def __init__(self, gateway: ChartGateway | None = None) -> None:
        self.gateway = gateway
        self.info = EngineInfo(name="grounded", version=ENGINE_VERSION)
        self._intakes: dict[str, Intake | None] = {}

    async def intake(self, client_id: str) -> Intake | None:
        """The client's latest intake, read once per engine. Raises EhrError."""
        if client_id not in self._intakes:
            gateway = self.gateway or get_gateway()
            self._intakes[client_id] = await gateway.intake(client_id)
        return self._intakes[client_id]

    async def prepare(self, request: DraftRequest) -> None:
        if await self.intake(request.chart.client.id) is None:
            raise EngineError(NO_INTAKE)

    async def risk_findings(self, request: DraftRequest) -> list[RiskFinding]:
        found = await self.intake(request.chart.client.id)
        return intake_risk_findings(found, request.chart) if found else []

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        found = await self.intake(request.chart.client.id)
        if found is None:
            raise EngineError(NO_INTAKE)
        sections = await sync_to_async(compose, thread_sensitive=False)(request, found)
        for section in sections:
            yield SectionStarted(section.key, section.title)
            yield SectionCompleted(section)


def intake_engine() -> DraftEngine:
    """The intake engine for settings.DRAFT_ENGINE ("llm": IntakeLlmEngine, imported
    here because it imports this module)."""
    if settings.DRAFT_ENGINE == "llm":
        from .intake_llm import IntakeLlmEngine

        return IntakeLlmEngine()
    return IntakeEngine()


# --- composition ---------------------------------------------------------------------


def compose(request: DraftRequest, intake: Intake) -> list[DraftedSection]:
    """One DraftedSection per section of `request.template` (the intake template), in
    template order. A Part 2 intake contributes nothing but a notice (module docstring)."""
    own = _own_sentences(request)
    answers = None if intake.restricted else intake
    writers = {
        "risk": lambda: risk_sentences(answers, request.chart, intake),
        "presenting": lambda: presenting_sentences(answers, own.get("presenting", [])),
        "history": lambda: history_sentences(answers),
        "scores": lambda: score_sentences(answers, request.chart, intake),
        "impressions": lambda: impression_sentences(request, own.get("impressions", [])),
    }
    return [
        DraftedSection(spec.key, spec.title, tuple(writers[spec.key]()))
        for spec in request.template.sections
    ]


# What makes a clinician's sentence an impression; without it a sentence the section
# model files under Impressions is kept with the presenting problem, so Impressions hold
# nothing the clinician did not write as one ("Alex came with a friend." is not).
_IMPRESSION = re.compile(
    r"\b(?:impressions?|diagnos\w*|consistent with|meets? (?:criteria|full criteria)|"
    r"rule out|r/o|recommend\w*|likely|suggest\w*|appears?|formulation|provisional|"
    r"differential|prognosis|refer\w*)\b",
    re.IGNORECASE,
)


def _own_sentences(request: DraftRequest) -> dict[str, list[DraftSentence]]:
    """The clinician's own notes (optional), sorted into sections as the grounded engine
    sorts a progress note's (copilot.drafting.grounded.analyse), by section key; a
    sentence goes to Impressions only when it reads as one (`_IMPRESSION`)."""
    if not request.text.strip():
        return {}
    analysis = analyse(request)
    own: dict[str, list[DraftSentence]] = {}
    for statement, key in zip(analysis.statements, analysis.sections, strict=True):
        if key == "impressions" and not _IMPRESSION.search(statement.text):
            key = "presenting"
        sources = tuple(Source.span(seg.start, seg.end) for seg in statement.segments)
        own.setdefault(key, []).append(DraftSentence(statement.text, sources))
    return own


def _placeholder(item: str) -> DraftSentence:
    return DraftSentence(PLACEHOLDER.format(item), placeholder=True)


def _cite(text: str, reference: str) -> DraftSentence:
    return DraftSentence(text, (Source.chart(reference),))


def _end(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "”")) else f"{text}."


def is_positive(answer: IntakeAnswer) -> bool:
    """A risk answer is positive unless it is a denial: false, 0, or text starting with
    no / none / never / denies / not at all / n/a."""
    if answer.boolean is not None:
        return answer.boolean
    if answer.number is not None:
        return answer.number > 0
    return _DENIAL.match(answer.text) is None


def risk_kind(answer: IntakeAnswer) -> RiskKind:
    """homicidal_ideation for violence or harming others, self_harm for self-harm, else
    suicidal_ideation (PHQ-9 item 9 and questions about ending one's life)."""
    probe = f"{answer.link_id} {answer.question}"
    if _OTHERS.search(probe):
        return "homicidal_ideation"
    return "self_harm" if _SELF_HARM.search(probe) else "suicidal_ideation"


def _risk_answers(intake: Intake) -> list[IntakeAnswer]:
    return [a for a in intake.answers if a.topic in ("risk", "phq9_item9")]


def risk_quote(answer: IntakeAnswer) -> str:
    """ "<question> — <answer> (linkId <linkId>)": what a flag and the draft quote."""
    return f"{answer.question.strip()} — {answer.text.strip()} (linkId {answer.link_id})"


def intake_risk_findings(intake: Intake, chart: ChartContext) -> list[RiskFinding]:
    """The intake's risk answers as RiskFindings citing the QuestionnaireResponse
    (positive, or a documented denial), then a positive item 9 on the intake day's
    PHQ-9 Observation when the questionnaire holds no item 9. A Part 2 intake gives
    only the Observation's finding."""
    answers = [] if intake.restricted else _risk_answers(intake)
    findings = [
        RiskFinding(risk_kind(a), not is_positive(a), risk_quote(a), Source.chart(intake.source))
        for a in answers
    ]
    observed = _intake_day_result(chart.phq9.results, intake.authored)
    if not any(a.topic == "phq9_item9" for a in answers) and observed and observed.item9_positive:
        quote = f"PHQ-9 item 9 scored {observed.item9_score} on {observed.effective:%Y-%m-%d}"
        findings.append(
            RiskFinding("suicidal_ideation", False, quote, Source.chart(observed.source))
        )
    return findings


def risk_sentences(
    answers: Intake | None, chart: ChartContext, intake: Intake
) -> list[DraftSentence]:
    """Positive risk answers first, each quoted with its linkId, a placeholder for the
    clinician's risk assessment when any is positive, then denials; a notice and a
    placeholder when the intake is withheld (Part 2) or asks nothing about risk."""
    findings = intake_risk_findings(intake, chart)
    positive = [f for f in findings if not f.negated]
    denied = [f for f in findings if f.negated]
    sentences = [
        DraftSentence(f"Positive risk item ({_KIND_WORDS[f.kind]}): {_end(f.quote)}", (f.source,))
        for f in positive
    ]
    if positive:
        sentences.append(_placeholder("suicide and violence risk assessment and safety plan"))
    sentences += [
        DraftSentence(f"Documented denial ({_KIND_WORDS[f.kind]}): {_end(f.quote)}", (f.source,))
        for f in denied
    ]
    if answers is None:
        sentences.insert(0, part2_notice(intake))
    if not findings:
        sentences.append(_placeholder("risk and safety screening"))
    return sentences


def part2_notice(intake: Intake) -> DraftSentence:
    """A placeholder saying the intake is left out: the note cannot be approved until the
    clinician removes or replaces it, so the label's reason never reaches the EHR by
    default (the fact of a Part 2 record is itself protected, 42 CFR 2.13)."""
    when = f" of {format_date(intake.authored)}" if intake.authored else ""
    return _placeholder(
        f"intake answers — the intake questionnaire{when} is restricted under 42 CFR Part 2 "
        "and left out of this draft; review it in the EHR"
    )


def presenting_sentences(answers: Intake | None, own: list[DraftSentence]) -> list[DraftSentence]:
    """The client's presenting-problem answers, then the clinician's own notes; a
    placeholder when there are neither."""
    sentences: list[DraftSentence] = []
    if answers is not None:
        sentences += [
            _cite(f"Presenting problem, in the client's words: {_end(a.text)}", answers.source)
            for a in answers.on("presenting")
        ]
    sentences += own
    return sentences or [_placeholder("presenting problem")]


def history_sentences(answers: Intake | None) -> list[DraftSentence]:
    """ "<area>: <answer>" for each history answer, area by area (HISTORY_AREAS); a
    placeholder for each area the intake did not answer."""
    sentences: list[DraftSentence] = []
    for topic, label in HISTORY_AREAS:
        found = answers.on(topic) if answers else []
        if not found or answers is None:
            sentences.append(_placeholder(label.lower()))
            continue
        sentences += [_cite(f"{label}: {_end(a.text)}", answers.source) for a in found]
    return sentences


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _intake_day_result(
    results: tuple[MeasureResult, ...], authored: datetime | date | None
) -> MeasureResult | None:
    """The administration on the intake's day (the last that day), if any."""
    day = _day(authored)
    same_day = [r for r in results if day is not None and _day(r.effective) == day]
    return same_day[-1] if same_day else None


def _score_sentence(instrument: Instrument, total: int, when: str, reference: str) -> DraftSentence:
    try:
        band = instrument.severity(total)
    except ValueError:
        return _cite(
            f"{instrument.name} total recorded as {total}, outside the instrument's range "
            f"0-{instrument.max_total}: check the intake.",
            reference,
        )
    return _cite(f"{instrument.name} total {total} ({band}) at intake{when}.", reference)


def score_sentences(
    answers: Intake | None, chart: ChartContext, intake: Intake
) -> list[DraftSentence]:
    """PHQ-9 then GAD-7 at intake: the questionnaire's total, else the intake day's
    Observation; a placeholder when neither instrument was scored."""
    when = f" on {format_date(intake.authored)}" if intake.authored else ""
    sentences = []
    for instrument, series in ((PHQ9, chart.phq9), (GAD7, chart.gad7)):
        total = _total_answer(answers, instrument)
        if total is not None and answers is not None:
            sentences.append(_score_sentence(instrument, total, when, answers.source))
        elif observed := _intake_day_result(series.results, intake.authored):
            on = f" on {format_date(observed.effective)}"
            sentences.append(_score_sentence(instrument, observed.total, on, observed.source))
    return sentences or [_placeholder("PHQ-9 / GAD-7 at intake, if administered")]


def _total_answer(answers: Intake | None, instrument: Instrument) -> int | None:
    if answers is None:
        return None
    totals = [a.number for a in answers.on(f"{instrument.key}_total") if a.number is not None]
    return totals[0] if totals else None


def impression_sentences(request: DraftRequest, own: list[DraftSentence]) -> list[DraftSentence]:
    """The clinician's own assessment and plan sentences, then a placeholder for each
    required item (templates.json: diagnostic impression, treatment recommendations)
    they do not document. The copilot never writes an impression of its own."""
    spec = request.template.section("impressions")
    documented = [s.text for s in own]
    missing = [item for item in spec.required if not is_documented(item, documented)]
    return own + [_placeholder(item.item) for item in missing]
