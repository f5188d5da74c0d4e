"""What the sidebar templates show: draft sections with their sentences' sources,
flags and blockers; chat turns with their citations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from django.utils import dateformat

from copilot.accounts.models import Clinician
from copilot.coding import services as coding
from copilot.drafting.templates import all_templates
from copilot.qa.models import ChatTurn
from copilot.qa.types import Answer, AnswerSentence, Citation
from copilot.review import selectors
from copilot.review.models import CosignDecision, CosignRequest, Draft, DraftSection, RiskFlag

QUOTE_CHARS = 160
RISK_LABELS = {
    "suicidal_ideation": "Suicidal ideation",
    "homicidal_ideation": "Homicidal ideation",
    "self_harm": "Self-harm",
    "intent_or_plan": "Intent or plan",
    "abuse": "Abuse or violence",
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
    count: int = 1  # identical documented denials shown once (source: all of them)


def denials_merged(flags: list[FlagView]) -> tuple[FlagView, ...]:
    """`flags` with documented denials of the same kind and words ("Client denies
    SI/HI." in 8 notes) shown once, counted, citing every source; positive flags are
    each kept, as each must be acknowledged."""
    merged: dict[tuple[str, str], FlagView] = {}
    out: list[FlagView | tuple[str, str]] = []
    for flag in flags:
        if not flag.negated:
            out.append(flag)
            continue
        key = (flag.label, flag.quote)
        if key in merged:
            first = merged[key]
            merged[key] = replace(
                first, count=first.count + 1, source=f"{first.source}; {flag.source}"
            )
        else:
            merged[key] = flag
            out.append(key)
    return tuple(merged[item] if isinstance(item, tuple) else item for item in out)


class CosignState:
    """The co-signature state of something approved (a note's draft, a plan review),
    from its `approval` (None: not approved), its latest co-signature request `cosign`
    (a copilot.review.models.CosignDecision, or None) and its `blockers`."""

    approval: object | None
    cosign: CosignDecision | None
    blockers: tuple[str, ...]

    @property
    def cosign_pending(self) -> bool:
        return self.cosign is not None and self.cosign.status == CosignDecision.Status.PENDING

    @property
    def returned(self) -> CosignDecision | None:
        """The request the supervisor returned, while it is open for revision."""
        status = self.cosign.status if self.cosign else None
        returned = self.approval is None and status == CosignDecision.Status.RETURNED
        return self.cosign if returned else None

    @property
    def cosigned_by(self) -> str:
        cosigned = self.cosign and self.cosign.status == CosignDecision.Status.COSIGNED
        return self.cosign.decided_by.clinician.display_name if cosigned else ""

    @property
    def locked(self) -> bool:
        """Approved, or waiting for co-signature: read-only."""
        return self.approval is not None or self.cosign_pending

    @property
    def can_approve(self) -> bool:
        return not self.blockers and not self.locked


@dataclass(frozen=True)
class DraftView(CosignState):
    draft: Draft
    template_name: str
    sections: tuple[SectionView, ...]
    flags: tuple[FlagView, ...]
    blockers: tuple[str, ...]
    approval: object | None
    write_back: object | None
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    cosign: CosignRequest | None = None  # the latest co-signature request, if any
    supervisor_name: str = ""  # who co-signs this author's notes ("": no co-sign needed)
    coded: bool = False  # an encounter note, for which codes are suggested once written

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
    cosign = selectors.cosign_latest(draft)
    pending = cosign is not None and cosign.status == CosignRequest.Status.PENDING
    template = all_templates().get(draft.template_key)
    return DraftView(
        draft=draft,
        template_name=template.name if template else draft.template_key.upper(),
        sections=tuple(section_view(s, draft.input_text) for s in draft.sections.all()),
        flags=denials_merged([flag_view(f, draft.input_text) for f in draft.risk_flags.all()]),
        blockers=tuple(selectors.approval_blockers(draft)) if not approval and not pending else (),
        approval=approval,
        write_back=getattr(approval, "write_back", None) if approval else None,
        cosign=cosign,
        supervisor_name=_supervisor_name(draft),
        coded=coding.is_coded(draft),
    )


def _supervisor_name(draft: Draft) -> str:
    clinician = getattr(draft.author, "clinician", None)
    if clinician is None or not clinician.requires_cosign or clinician.supervisor is None:
        return ""
    return clinician.supervisor.display_name


# --- chart Q&A ---------------------------------------------------------------------

ANSWER_KINDS = {
    "structured": "from the chart's data",
    "extractive": "quoted from notes",
    "practice": "quoted from the practice's documents",
    "llm": "generated from notes",
    "not_found": "not found",
}


@dataclass(frozen=True)
class CitationView:
    """A citation as the chat shows it: `label` ("Progress note · Mar 4, 2026"); `note`
    when it is a note excerpt the sidebar can open at `start`–`end`; `practice` when it
    is a section of the practice's own documents ("kb:<file>#<heading>"), opened alike."""

    source: str
    label: str
    excerpt: str
    note: bool
    start: int | None
    end: int | None
    practice: bool = False


@dataclass(frozen=True)
class AnswerSentenceView:
    text: str
    supported: bool
    citations: tuple[CitationView, ...]


@dataclass(frozen=True)
class TurnView:
    """One question and its answer in the chat; `id` is unique within the page."""

    id: str
    question: str
    kind: str
    kind_label: str
    found: bool
    sentences: tuple[AnswerSentenceView, ...]


def citation_view(citation: Citation) -> CitationView:
    when = dateformat.format(citation.date, "M j, Y") if citation.date else ""
    label = " · ".join(part for part in (citation.title, when) if part) or citation.source
    note = citation.source.startswith("DocumentReference/") and citation.start is not None
    practice = citation.source.startswith("kb:") and citation.start is not None
    return CitationView(
        citation.source, label, citation.excerpt, note, citation.start, citation.end, practice
    )


def sentence_view(sentence: AnswerSentence) -> AnswerSentenceView:
    citations = tuple(citation_view(c) for c in sentence.citations)
    return AnswerSentenceView(sentence.text, sentence.supported, citations)


def turn_view(turn_id: str, question: str, answer: Answer) -> TurnView:
    """The chat's view of one answered question (live, or from the history)."""
    return TurnView(
        id=turn_id,
        question=question,
        kind=answer.kind,
        kind_label=ANSWER_KINDS.get(answer.kind, answer.kind),
        found=answer.found,
        sentences=tuple(sentence_view(s) for s in answer.sentences),
    )


def history_views(turns: list[ChatTurn]) -> list[TurnView]:
    """Stored chat turns, oldest first, as the chat shows them."""
    return [
        turn_view(f"h{t.pk}", t.question, Answer(t.question, t.kind, t.sentences, t.found))
        for t in turns
    ]


@dataclass(frozen=True)
class AccountView:
    """The signed-in user as the full pages' header shows them: the name to display and
    whether they supervise anyone (the co-signature queue link)."""

    name: str
    supervises: bool


def account_view(user) -> AccountView | None:
    """For a signed-in user (None otherwise); reads the database, so async views call it
    through sync_to_async."""
    if user is None or not user.is_authenticated:
        return None
    clinician = Clinician.objects.filter(user=user).first()
    if clinician is None:
        return AccountView(name=user.get_username(), supervises=False)
    supervises = clinician.role == Clinician.Role.SUPERVISOR or clinician.supervisees.exists()
    return AccountView(name=clinician.display_name or user.get_username(), supervises=supervises)
