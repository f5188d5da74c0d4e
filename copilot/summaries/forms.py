"""The Summaries tab's forms: what was typed and ticked, its checks, the draft's input
text and its risk flags. The websocket consumer translates a message with these and
drafts through copilot.review like any note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from asgiref.sync import sync_to_async

from copilot.chart import ChartContext
from copilot.drafting.risk import RiskFinding, find_in_chart, find_in_text, find_risk
from copilot.drafting.templates import NoteTemplate
from copilot.drafting.types import DraftRequest, Source
from copilot.review import services
from copilot.review.models import Draft, RiskFlag
from copilot.review.services import DraftInputError

from . import SUMMARY_TABS
from .referral import ITEMS, deidentify_texts, parse_referral, referral_text


@dataclass(frozen=True)
class SummaryForm:
    """One summary form as submitted: `template` ("discharge" or "referral"), the
    clinician's `text`, ticked `items` (referral; keys of referral.ITEMS) and
    `deidentify`; `error` (a DraftInputError) when it was refused."""

    template: str
    text: str = ""
    items: tuple[str, ...] = ()
    deidentify: bool = False
    error: DraftInputError | None = None

    @classmethod
    def parse(cls, content: dict) -> SummaryForm:
        """From a socket message (htmx ws-send JSON: a ticked box is its value, several
        a list). Parsing only: no check."""
        items = content.get("include") or []
        items = [items] if isinstance(items, str) else items
        return cls(
            template=str(content.get("template", ""))[:32],
            text=str(content.get("text", "")),
            items=tuple(str(i) for i in items if isinstance(i, str | int)),
            deidentify=str(content.get("deidentify", "")).lower() in {"yes", "on", "true", "1"},
        )

    def failed(self, error: DraftInputError) -> SummaryForm:
        return replace(self, error=error)


def summary_validate(form: SummaryForm) -> NoteTemplate:
    """The summary template of `form`, or DraftInputError (field "template", "items" or
    "text"): an unknown or non-summary template, an unknown item, a referral with
    nothing ticked and no reason written, or text over DRAFT_INPUT_MAX_CHARS."""
    if form.template not in SUMMARY_TABS:
        raise DraftInputError(f"There is no summary {form.template!r}.", field="template")
    template, _ = services.draft_input_validate(template_key=form.template, text=form.text)
    if form.template == "referral":
        unknown = set(form.items) - ITEMS.keys()
        if unknown:
            raise DraftInputError("Tick only the items listed.", field="items")
        if not form.items and not form.text.strip():
            raise DraftInputError(
                "Tick at least one item to include, or write the reason for referral.",
                field="items",
            )
    return template


async def summary_input_text(
    form: SummaryForm, chart: ChartContext, clinician: str | None = None
) -> str:
    """The draft's input text: the discharge notes as typed (stripped); for a referral
    the selection header and the reason, de-identified first when asked
    (referral.deidentify_texts, run off the event loop)."""
    text = form.text.strip()
    if form.template != "referral":
        return text
    if form.deidentify and text:
        [text] = await sync_to_async(deidentify_texts, thread_sensitive=False)(
            [text], chart, clinician
        )
    return referral_text(form.items, form.deidentify, text)


def summary_risk_findings(request: DraftRequest) -> list[RiskFinding]:
    """Risk findings for a summary draft. Discharge: as for a progress note (the notes
    and the chart's recent notes and latest PHQ-9, copilot.drafting.risk.find_risk).
    Referral: in the reason typed and, only when Risk history is ticked, in the chart;
    quotes from the chart de-identified when asked. Nothing unselected is quoted."""
    if request.template.key != "referral":
        return find_risk(request.text, request.chart)
    chosen = parse_referral(request.text)
    offset = chosen.notes_offset
    found = [
        replace(f, source=Source.span(f.source.start + offset, f.source.end + offset))
        for f in find_in_text(chosen.notes)
    ]
    if "risk" in chosen.items:
        chart = find_in_chart(request.chart)
        if chosen.deidentify and chart:
            quotes = deidentify_texts([f.quote for f in chart], request.chart, request.clinician)
            chart = [replace(f, quote=q) for f, q in zip(chart, quotes, strict=True)]
        found += chart
    return found


async def summary_flag_risks(*, draft: Draft, request: DraftRequest) -> list[RiskFlag]:
    """Store the summary's risk findings on the draft (summary_risk_findings)."""
    findings = await sync_to_async(summary_risk_findings, thread_sensitive=False)(request)
    return await sync_to_async(services.draft_risk_flags_record)(draft=draft, findings=findings)
