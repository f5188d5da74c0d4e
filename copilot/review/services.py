"""Writes of the draft lifecycle. Each is one transaction; views and consumers call these."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.drafting.templates import NoteTemplate, UnknownTemplate, get_template
from copilot.drafting.types import DraftedSection, EngineInfo, InputKind

from . import cosign, selectors
from .approvals import approval_create
from .errors import ReviewError
from .models import Approval, ComposerText, CosignRequest, Draft, DraftSection, RiskFlag, WriteBack


class DraftInputError(ValueError):
    """The draft form's input is not acceptable. `field` names the form field."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def draft_input_validate(*, template_key: str, text: str) -> tuple[NoteTemplate, str]:
    """The template and the stripped text, or DraftInputError.

    Limits: text must not be empty (unless the template's `input_required` is False:
    a summary drafted from the chart) and at most DRAFT_INPUT_MAX_CHARS characters
    (default 60,000: about two hours of transcript).
    """
    try:
        template = get_template(template_key)
    except UnknownTemplate as error:
        raise DraftInputError(str(error), field="template") from None
    stripped = text.strip()
    if not stripped and template.input_required:
        raise DraftInputError(
            "Type or paste your session notes or a transcript first.", field="text"
        )
    limit = settings.DRAFT_INPUT_MAX_CHARS
    if len(stripped) > limit:
        raise DraftInputError(
            f"The text is {len(stripped):,} characters; the limit is {limit:,}. "
            "Shorten it or split the session into two notes.",
            field="text",
        )
    return template, stripped


def _require_clinician(actor: AbstractBaseUser) -> None:
    if not hasattr(actor, "clinician"):
        raise ReviewError("Your account is not linked to a clinician (FHIR Practitioner).")


@transaction.atomic
def draft_create(
    *,
    actor: AbstractBaseUser,
    client_id: str,
    template: NoteTemplate,
    text: str,
    kind: InputKind,
    engine: EngineInfo,
    encounter_id: str = "",
    origin: str = Draft.Origin.SIDEBAR,
) -> Draft:
    """A new draft in `generating` state, holding the input exactly as submitted."""
    _require_clinician(actor)
    return Draft.objects.create(
        origin=origin,
        client_id=client_id,
        author=actor,
        template_key=template.key,
        engine_name=engine.name,
        engine_version=engine.version,
        engine_model=engine.model or "",
        input_kind=kind,
        input_text=text,
        encounter_id=encounter_id,
    )


@transaction.atomic
def draft_risk_flags_record(*, draft: Draft, findings: list) -> list[RiskFlag]:
    """Store risk findings (copilot.drafting.risk.RiskFinding) found for the draft."""
    return RiskFlag.objects.bulk_create(
        RiskFlag(
            draft=draft,
            kind=f.kind,
            negated=f.negated,
            quote=f.quote,
            source=f.source.as_dict(),
        )
        for f in findings
    )


@transaction.atomic
def draft_section_record(*, draft: Draft, section: DraftedSection, position: int) -> DraftSection:
    """Store one finished section as the engine wrote it (undecided)."""
    draft.save(update_fields=["updated_at"])  # progress: not stale
    return DraftSection.objects.create(
        draft=draft,
        key=section.key,
        title=section.title,
        position=position,
        ai_text=section.text,
        final_text=section.text,
        sentences=[s.as_dict() for s in section.sentences],
    )


@transaction.atomic
def draft_finish(
    *, draft: Draft, complete: bool, detail: str = "", cancelled: bool = False, sent=None
) -> Draft:
    """Mark the engine's run over: `complete`, or `incomplete` with the reason (a
    failure, or `cancelled` by the clinician), and record it in the audit ledger with
    `sent`, the payload that went to an external model (None: nothing left)."""
    draft.status = Draft.Status.COMPLETE if complete else Draft.Status.INCOMPLETE
    draft.status_detail = detail[:500]
    draft.save(update_fields=["status", "status_detail", "updated_at"])
    outcome = "ok" if complete else ("cancelled" if cancelled else "error")
    event = entries.draft_generated(draft, outcome=outcome, sent=sent, detail=detail)
    record(event, actor=draft.author)
    return draft


STALE_GENERATION = timedelta(minutes=5)
# A worker's draft may wait in the queue and retry through an EHR outage first.
STALE_BACKGROUND_GENERATION = timedelta(minutes=30)


@transaction.atomic
def draft_expire_if_stale(*, draft: Draft) -> Draft:
    """A draft still `generating` long after its last change lost its engine (the server
    stopped mid-draft; 5 minutes, 30 for a worker's draft): mark it incomplete so it is
    not shown as running forever."""
    limit = STALE_BACKGROUND_GENERATION if draft.in_background else STALE_GENERATION
    stale = timezone.now() - draft.updated_at > limit
    if draft.status == Draft.Status.GENERATING and stale:
        return draft_finish(draft=draft, complete=False, detail="interrupted")
    return draft


def _editable(actor: AbstractBaseUser, draft: Draft) -> None:
    if draft.author_id != actor.pk:
        raise ReviewError("Only the draft's author can change it.")
    if hasattr(draft, "approval"):
        raise ReviewError("This note is approved; it can no longer be changed.")
    if cosign.cosign_pending(draft):
        raise ReviewError(
            "This note is waiting for co-signature; it can be changed if your supervisor "
            "returns it."
        )


@transaction.atomic
def section_decide(
    *, actor: AbstractBaseUser, draft: Draft, key: str, decision: str, text: str | None = None
) -> DraftSection:
    """Accept (keep the AI text), edit (keep `text`) or reject a section.

    An edit whose text equals the AI text counts as accepted.
    """
    _editable(actor, draft)
    try:
        section = draft.sections.select_for_update().get(key=key)
    except DraftSection.DoesNotExist:
        raise ReviewError(f"This draft has no section {key!r}.") from None
    Decision, previous_text = DraftSection.Decision, section.final_text
    if decision == Decision.ACCEPTED:
        section.final_text = section.ai_text
    elif decision == Decision.EDITED:
        if text is None:
            raise ReviewError("An edit needs the edited text.")
        section.final_text = text
        decision = Decision.ACCEPTED if text.strip() == section.ai_text.strip() else Decision.EDITED
    elif decision != Decision.REJECTED:
        raise ReviewError(f"Unknown decision {decision!r}.")
    section.decision = decision
    section.decided_at = timezone.now()
    section.save(update_fields=["final_text", "decision", "decided_at"])
    record(entries.section_decided(section, previous_text=previous_text), actor=actor)
    return section


@transaction.atomic
def flag_acknowledge(*, actor: AbstractBaseUser, draft: Draft, flag_id: int) -> RiskFlag:
    """Record that the author has seen and addressed a positive risk flag."""
    _editable(actor, draft)
    try:
        flag = draft.risk_flags.get(pk=flag_id)
    except (RiskFlag.DoesNotExist, ValueError):
        raise ReviewError("No such risk flag on this draft.") from None
    if flag.acknowledged_at is None:
        flag.acknowledged_by = actor
        flag.acknowledged_at = timezone.now()
        flag.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record(entries.flag_acknowledged(flag), actor=actor)
    return flag


def draft_approve(
    *, actor: AbstractBaseUser, draft: Draft, idempotency_key: str
) -> Approval | CosignRequest:
    """Approve the draft: one Approval and one outbox entry per draft, however often called;
    or, when the author needs co-signature (Clinician.requires_cosign), one pending
    CosignRequest in their supervisor's queue instead (nothing goes to the EHR yet).

    Repeated or concurrent calls (double clicks, two tabs, retries) return the first
    approval or the pending request. Raises ReviewError when the actor is not the
    author, the draft is not ready (see selectors.approval_blockers), or co-signature
    is needed and no supervisor is assigned.
    """
    if draft.author_id != actor.pk:
        raise ReviewError("Only the draft's author can approve it.")
    existing = Approval.objects.filter(draft=draft).first() or cosign.cosign_pending(draft)
    if existing:
        return existing
    blockers = selectors.approval_blockers(draft)
    if blockers:
        raise ReviewError(" ".join(blockers))
    if not idempotency_key or len(idempotency_key) > 64:
        raise ReviewError("The approval request is missing its idempotency key.")
    note = selectors.note_text(draft)
    if cosign.supervisor_for(actor) is not None:
        return cosign.draft_submit(
            actor=actor, draft=draft, idempotency_key=idempotency_key, note_text=note
        )
    return approval_create(
        draft=draft, approved_by=actor, idempotency_key=idempotency_key, note_text=note
    )


@transaction.atomic
def composer_save(
    *, actor: AbstractBaseUser, client_id: str, template_key: str, text: str
) -> ComposerText:
    """Autosave what the clinician is typing into the draft form for this client."""
    composer, _ = ComposerText.objects.update_or_create(
        author=actor,
        client_id=client_id,
        defaults={"template_key": template_key[:32], "text": text},
    )
    return composer


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: OUTBOX_RETRY_BASE_SECONDS x 2^(attempts-1), capped at the max."""
    base, cap = settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def attempt_failed(row, error) -> None:
    """Note a failed EHR write on an outbox row (a WriteBack or a plan review's
    PlanApproval: `attempts`, `last_error`, `lease_until`, `status`, `next_attempt_at`):
    a retryable error (EHR down) puts it back to `pending` after retry_delay, any other
    marks it `failed` with the reason. The caller saves the row."""
    row.attempts += 1
    row.last_error = error.message[:500]
    row.lease_until = None
    if error.retryable:
        row.status = WriteBack.Status.PENDING
        row.next_attempt_at = timezone.now() + retry_delay(row.attempts)
    else:
        row.status = WriteBack.Status.FAILED
