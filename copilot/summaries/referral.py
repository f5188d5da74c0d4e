"""The referral summary engine: only what the clinician selected (minimum necessary),
de-identified on request.

HIPAA's minimum-necessary standard (45 CFR 164.502(b), 164.514(d)) asks that a
disclosure hold only what its purpose needs, so nothing is included by default: the
clinician ticks the items (ITEMS) and may tick "De-identify". The choice travels in the
draft's own input text, as a readable header the engine parses (REFERRAL_HEADER):

    Include: Diagnoses; Measures
    De-identify: yes

    <the clinician's reason for referral>

An item not listed has no section and no sentence; the engine reads the course of care
through the gateway but writes only the listed sections. With "De-identify: yes" every
section's text is de-identified with copilot.deid (Presidio plus the chart-seeded
recognizers: names, birth date, identifiers, contacts, addresses, calendar dates →
placeholders such as [CLIENT], [DATE_1]); the clinician's text is de-identified before
it is stored (copilot.summaries.forms), so neither the draft, the ledger nor the
DocumentReference holds the identifiers. DocumentReference.type: LOINC 57133-1
"Referral note".
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace

from asgiref.sync import sync_to_async

from copilot.chart import ChartContext
from copilot.deid.outbound import deidentify
from copilot.deid.recognizers import ChartSeeds
from copilot.drafting.engines import DraftEngine
from copilot.drafting.grounded import PLACEHOLDER
from copilot.drafting.types import (
    DraftedSection,
    DraftRequest,
    DraftSentence,
    EngineEvent,
    EngineInfo,
)
from copilot.ehr import ChartGateway
from copilot.ehr.course import CourseOfCare

from . import facts
from .discharge import ENGINE_NAME, emit, own_sentences, read_course

# Item key → label (the label is what the header and the form show), in section order.
ITEMS: dict[str, str] = {
    "course": "Course dates",
    "diagnoses": "Diagnoses",
    "medications": "Medications",
    "measures": "Measures",
    "goals": "Goals",
    "risk": "Risk history",
    "interventions": "Interventions",
}
WRITERS = {
    "course": facts.course_dates,
    "diagnoses": facts.diagnoses,
    "medications": facts.medications,
    "measures": facts.measures,
    "goals": facts.goals,
    "risk": facts.risk_history,
    "interventions": facts.interventions,
}
REFERRAL_HEADER = re.compile(r"\AInclude: (?P<items>[^\n]*)\nDe-identify: (?P<deid>yes|no)\n\n?")
_SEPARATOR = "\n\n"
# Dates as the summary writes them (chart_facts.format_date: "Aug 14, 2026") and ISO
# dates: seeded as known dates, since spaCy's NER misses some of them.
_WRITTEN_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b|\b\d{4}-\d{2}-\d{2}\b"
)


@dataclass(frozen=True)
class ReferralInput:
    """What the clinician chose: item keys (in ITEMS order), whether to de-identify,
    their notes, and where the notes start in the draft's input text."""

    items: tuple[str, ...]
    deidentify: bool
    notes: str
    notes_offset: int = 0


def referral_text(items: Sequence[str], deidentify: bool, notes: str) -> str:
    """The draft's input text: the header, a blank line, the notes. Unknown items raise
    KeyError."""
    chosen = [ITEMS[key] for key in ITEMS if key in set(items)]
    if set(items) - ITEMS.keys():
        raise KeyError(sorted(set(items) - ITEMS.keys())[0])
    header = f"Include: {'; '.join(chosen) or 'none'}\nDe-identify: {'yes' if deidentify else 'no'}"
    return f"{header}\n\n{notes}"


def parse_referral(text: str) -> ReferralInput:
    """The selection in a referral draft's input text. Without a valid header nothing
    is selected and nothing de-identified is assumed: every item is left out."""
    match = REFERRAL_HEADER.match(text)
    if match is None:
        return ReferralInput((), False, text, 0)
    labels = {label.strip() for label in match["items"].split(";")}
    items = tuple(key for key, label in ITEMS.items() if label in labels)
    return ReferralInput(items, match["deid"] == "yes", text[match.end() :], match.end())


def deidentify_texts(
    texts: list[str], chart: ChartContext, clinician: str | None = None
) -> list[str]:
    """`texts` de-identified together (one placeholder per identifier across all of them),
    seeded from the chart, the clinician's name and every date written as the summary
    writes dates (copilot.deid). CPU-bound (spaCy)."""
    if not texts:
        return []
    seeds = ChartSeeds.from_chart(chart, clinician)
    written = {m[0] for t in texts for m in _WRITTEN_DATE.finditer(t)}
    seeds = replace(seeds, dates=(*seeds.dates, *sorted(written)))
    joined, _ = deidentify(_SEPARATOR.join(t.replace("\n", " ") for t in texts), seeds)
    parts = joined.split(_SEPARATOR)
    if len(parts) == len(texts):
        return parts
    return [deidentify(t, seeds)[0] for t in texts]  # a replacement ate a separator


class ReferralEngine(DraftEngine):
    """Drafts the referral summary from the selection in `request.text` and
    `gateway.course_of_care` (default: the configured EHR)."""

    def __init__(self, gateway: ChartGateway | None = None) -> None:
        self.gateway = gateway
        self.info = EngineInfo(name=ENGINE_NAME, version="referral-1.0")

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        chosen = parse_referral(request.text)
        course = await read_course(request, self.gateway)
        sections = compose(request, course, chosen)
        if chosen.deidentify:
            sections = await sync_to_async(_deidentified, thread_sensitive=False)(sections, request)
        async for event in emit(sections):
            yield event


def compose(
    request: DraftRequest, course: CourseOfCare, chosen: ReferralInput
) -> list[DraftedSection]:
    """The reason for referral (the clinician's notes, or a placeholder), then one
    section per chosen item, in template order. Nothing else."""
    sections = []
    for spec in request.template.sections:
        if spec.key in WRITERS and spec.key in chosen.items:
            sentences = WRITERS[spec.key](course)
        elif spec.key == "reason":
            sentences = own_sentences(chosen.notes, chosen.notes_offset) or [
                DraftSentence(PLACEHOLDER.format(item.item), placeholder=True)
                for item in spec.required
            ]
        else:
            continue
        sections.append(DraftedSection(spec.key, spec.title, tuple(sentences)))
    return sections


def _deidentified(sections: list[DraftedSection], request: DraftRequest) -> list[DraftedSection]:
    """Every sentence of `sections` de-identified (placeholders are left as they are)."""
    sentences = [s for section in sections for s in section.sentences if not s.placeholder]
    clean = iter(deidentify_texts([s.text for s in sentences], request.chart, request.clinician))
    return [
        replace(
            section,
            sentences=tuple(
                s if s.placeholder else replace(s, text=next(clean)) for s in section.sentences
            ),
        )
        for section in sections
    ]
