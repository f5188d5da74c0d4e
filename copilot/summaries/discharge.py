"""The discharge summary engine: the whole course of care, section by section, from the
chart, plus the clinician's own notes on the reason for discharge and aftercare.

Sections (template "discharge", DocumentReference.type LOINC 78263-1 "Mental health
Discharge summary note", US Behavioral Health Profiles IG value set
mental-health-clinical-note-types): Course of care (dates, number of sessions,
diagnoses), Interventions, Measures, Goals, Risk history (copilot.summaries.facts) and
Aftercare plan: the clinician's sentences, then a "[clinician to complete: …]"
placeholder for each item of the template's list (reason for discharge, referrals,
follow-up, crisis resources) their text does not cover (the template's cue words,
copilot.drafting.grounded.is_documented). Nothing leaves for a model.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

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
