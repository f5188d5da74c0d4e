"""The discharge summary engine: the whole course of care, section by section, from the
chart, plus the clinician's own notes on the reason for discharge and aftercare.

Sections (template "discharge", DocumentReference.type LOINC 78263-1 "Mental health
Discharge summary note", US Behavioral Health Profiles IG value set
mental-health-clinical-note-types): Course of care (dates, number of sessions,
diagnoses), Interventions, Measures, Goals, Risk history (copilot.summaries.facts) and
Aftercare plan: the clinician's sentences, then a "[clinician to complete: …]"
placeholder for each item of the template's list (reason for discharge, referrals,
follow-up, crisis resources) their text does not cover (the template's cue words,
copilot.drafting.grounded.is_documented).

With DRAFT_ENGINE=llm (`discharge_engine`), a chat model writes the narrative Course of
care and Interventions from those facts (prompt prompts/discharge_v1.txt,
de-identified; copilot.summaries.narrative); Measures, Goals, Risk history and the
Aftercare plan stay exactly as composed here. Part 2 entries and psychotherapy notes
are never read into the course of care, so none can reach the model.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from django.conf import settings

from copilot.drafting.engines import DraftEngine, EngineError
from copilot.drafting.grounded import PLACEHOLDER, is_documented
from copilot.drafting.templates import SectionSpec
from copilot.drafting.text import split_sentences
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
from copilot.ehr import ChartGateway, EhrError, get_gateway
from copilot.ehr.course import CourseOfCare

from . import facts
from .narrative import NarrativeLlm

ENGINE_NAME = "summary"
Writer = Callable[[CourseOfCare], list[DraftSentence]]
WRITERS: dict[str, Writer] = {
    "course": lambda c: facts.course_dates(c) + facts.diagnoses(c),
    "interventions": facts.interventions,
    "measures": facts.measures,
    "goals": facts.goals,
    "risk": facts.risk_history,
}


async def read_course(request: DraftRequest, gateway: ChartGateway | None) -> CourseOfCare:
    """The request's client's course of care; an EHR failure becomes EngineError (the
    draft stops, marked incomplete, with the EHR's message)."""
    try:
        return await (gateway or get_gateway()).course_of_care(request.chart.client.id)
    except EhrError as error:
        raise EngineError(error.message) from error


def own_sentences(text: str, offset: int = 0) -> list[DraftSentence]:
    """The clinician's text as sentences, each citing its span (shifted by `offset`,
    the text's position in the draft's input)."""
    return [
        DraftSentence(" ".join(text[s:e].split()), (Source.span(s + offset, e + offset),))
        for s, e in split_sentences(text)
    ]


def with_placeholders(spec: SectionSpec, sentences: list[DraftSentence]) -> list[DraftSentence]:
    """`sentences` then a placeholder for each required item of `spec` they do not cover."""
    texts = [s.text for s in sentences]
    missing = [item for item in spec.required if not is_documented(item, texts)]
    return sentences + [
        DraftSentence(PLACEHOLDER.format(item.item), placeholder=True) for item in missing
    ]


async def emit(sections: list[DraftedSection]) -> AsyncIterator[EngineEvent]:
    for section in sections:
        yield SectionStarted(section.key, section.title)
        yield SectionCompleted(section)


class DischargeEngine(DraftEngine):
    """Drafts the discharge summary from `gateway.course_of_care` (default: the
    configured EHR) and the clinician's notes (`request.text`, may be empty)."""

    def __init__(self, gateway: ChartGateway | None = None) -> None:
        self.gateway = gateway
        self.info = EngineInfo(name=ENGINE_NAME, version="discharge-1.0")

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        course = await read_course(request, self.gateway)
        async for event in emit(compose(request, course)):
            yield event


class DischargeLlmEngine(NarrativeLlm, DischargeEngine):
    """DischargeEngine whose Course of care and Interventions a chat model writes from
    the composed facts. `llm` defaults to get_llm(); `timeout` (seconds) bounds the wait
    for each chunk."""

    generated = ("course", "interventions")
    prompt_version = "discharge_v1"

    def __init__(
        self, llm=None, *, gateway: ChartGateway | None = None, timeout: float | None = None
    ) -> None:
        DischargeEngine.__init__(self, gateway)
        self._init_llm(llm, timeout)

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        course = await read_course(request, self.gateway)
        async for event in self.narrate(request, compose(request, course)):
            yield event


def discharge_engine() -> DraftEngine:
    """The discharge engine for settings.DRAFT_ENGINE ("llm": DischargeLlmEngine)."""
    return DischargeLlmEngine() if settings.DRAFT_ENGINE == "llm" else DischargeEngine()


def compose(request: DraftRequest, course: CourseOfCare) -> list[DraftedSection]:
    """One section per template section, in template order (see the module docstring)."""
    sections = []
    for spec in request.template.sections:
        if spec.key in WRITERS:
            sentences = WRITERS[spec.key](course)
        else:  # the aftercare plan: the clinician's words, then what is still missing
            sentences = with_placeholders(spec, own_sentences(request.text))
        sections.append(DraftedSection(spec.key, spec.title, tuple(sentences)))
    return sections
