"""What the draft templates show: sections with their sentences' sources, flags, blockers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from copilot.drafting.templates import all_templates
from copilot.review import selectors
from copilot.review.models import Draft, DraftSection, RiskFlag

QUOTE_CHARS = 160
RISK_LABELS = {
    "suicidal_ideation": "Suicidal ideation",
    "homicidal_ideation": "Homicidal ideation",
    "self_harm": "Self-harm",
    "intent_or_plan": "Intent or plan",
}


@dataclass(frozen=True)
class SentenceView:
    text: str
    sources: tuple[str, ...]
    placeholder: bool
    supported: bool


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    decision: str
    decision_label: str
    final_text: str
    edited: bool
    sentences: tuple[SentenceView, ...]

    @property
    def unsupported(self) -> int:
        return sum(not s.supported for s in self.sentences)


@dataclass(frozen=True)
class FlagView:
    id: int
    label: str
    negated: bool
    quote: str
    source: str
    acknowledged: bool


@dataclass(frozen=True)
class DraftView:
    draft: Draft
    template_name: str
    sections: tuple[SectionView, ...]
    flags: tuple[FlagView, ...]
    blockers: tuple[str, ...]
    approval: object | None
    write_back: object | None
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def can_approve(self) -> bool:
        return not self.blockers and self.approval is None

    @property
    def generating(self) -> bool:
        return self.draft.status == Draft.Status.GENERATING


def source_label(source: dict, input_text: str) -> str:
    """'From your input: "…"' for a span, 'From the chart: Observation/…' for a reference."""
    if source.get("reference"):
        return f"From the chart: {source['reference']}"
    start, end = source.get("start"), source.get("end")
    if start is None or end is None:
        return "Source unknown"
    quote = " ".join(input_text[start:end].split())
    if len(quote) > QUOTE_CHARS:
        quote = quote[: QUOTE_CHARS - 1] + "…"
    return f"From your input: “{quote}”"


def section_view(section: DraftSection, input_text: str) -> SectionView:
    sentences = tuple(
        SentenceView(
            text=s["text"],
            sources=tuple(source_label(src, input_text) for src in s.get("sources", [])),
            placeholder=s.get("placeholder", False),
            supported=s.get("supported", True),
        )
        for s in section.sentences
    )
    return SectionView(
        key=section.key,
        title=section.title,
        decision=section.decision,
        decision_label=section.get_decision_display(),
        final_text=section.final_text,
        edited=section.decision == DraftSection.Decision.EDITED,
        sentences=sentences,
    )


def flag_view(flag: RiskFlag, input_text: str) -> FlagView:
    return FlagView(
        id=flag.pk,
        label=RISK_LABELS.get(flag.kind, flag.kind.replace("_", " ").capitalize()),
        negated=flag.negated,
        quote=flag.quote,
        source=source_label(flag.source, input_text),
        acknowledged=flag.acknowledged_at is not None,
    )


def draft_view(draft: Draft) -> DraftView:
    """Everything the draft panel shows, read fresh from the database."""
    approval = getattr(draft, "approval", None)
    template = all_templates().get(draft.template_key)
    return DraftView(
        draft=draft,
        template_name=template.name if template else draft.template_key.upper(),
        sections=tuple(section_view(s, draft.input_text) for s in draft.sections.all()),
        flags=tuple(flag_view(f, draft.input_text) for f in draft.risk_flags.all()),
        blockers=tuple(selectors.approval_blockers(draft)) if approval is None else (),
        approval=approval,
        write_back=getattr(approval, "write_back", None) if approval else None,
    )
