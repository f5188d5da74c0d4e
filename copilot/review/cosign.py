"""Co-signature: notes of clinicians who need it go to their supervisor's queue.

A clinician with `Clinician.requires_cosign` (pre-licensed) who approves a draft
submits it (`draft_submit`) instead of sending it to the EHR. Their supervisor
(`Clinician.supervisor`) then either co-signs it (`draft_cosign`: the Approval and
its outbox entry are made, so the note is written exactly as an ordinary approval,
with the supervisor in the Provenance as verifier and legal authenticator) or
returns it with a comment (`draft_return`: the draft is editable again, and the next
Approve submits it anew). Each decision and its audit-ledger entry share one
transaction.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from copilot.accounts.models import Clinician
from copilot.audit import entries
from copilot.audit.ledger import Event, record
from copilot.audit.models import LedgerEntry

from .approvals import approval_create
from .errors import ReviewError
from .models import Approval, CosignRequest, Draft

COMMENT_MAX_CHARS = 4000


def supervisor_for(actor: AbstractBaseUser) -> Clinician | None:
    """The supervisor who must co-sign `actor`'s notes, or None when they need no co-sign.

    Raises ReviewError when the clinician needs co-signature but has no supervisor.
    """
    clinician = getattr(actor, "clinician", None)
    if clinician is None or not clinician.requires_cosign:
        return None
    if clinician.supervisor is None:
        raise ReviewError(
            "Your notes need a co-signature, but no supervisor is assigned to you. "
            "Ask your administrator to assign one."
        )
    return clinician.supervisor


def draft_submit(
    *, actor: AbstractBaseUser, draft: Draft, idempotency_key: str, note_text: str
) -> CosignRequest:
    """Send the approved draft to the supervisor's queue: one pending request per draft.

    The caller (services.draft_approve) has checked the author and the blockers.
    Repeated or concurrent calls return the pending request.
    """
    try:
        with transaction.atomic():
            request = CosignRequest.objects.create(
                draft=draft,
                submitted_by=actor,
                idempotency_key=idempotency_key,
                note_text=note_text,
            )
            record(entries.approved(draft, note_text, routed="cosign"), actor=actor)
            return request
    except IntegrityError:
        pending = cosign_pending(draft)
        if pending is None:  # the key of an earlier, returned submission
            raise ReviewError("This approval was already used; approve again.") from None
        return pending


def cosign_pending(draft: Draft) -> CosignRequest | None:
    return draft.cosign_requests.filter(status=CosignRequest.Status.PENDING).first()


def _require_supervisor(actor: AbstractBaseUser, draft: Draft) -> None:
    supervisor = getattr(draft.author.clinician, "supervisor", None)
    if supervisor is None or supervisor.user_id != actor.pk:
        raise ReviewError("Only the author's supervisor can co-sign or return this note.")


def _decide(
    *, actor: AbstractBaseUser, draft: Draft, status: str, comment: str = ""
) -> CosignRequest | None:
    """Move the pending request to `status` (locked for the rest of the transaction);
    None when nothing is pending."""
    request = (
        CosignRequest.objects.select_for_update()
        .filter(draft=draft, status=CosignRequest.Status.PENDING)
        .first()
    )
    if request is None:
        return None
    request.status, request.comment = status, comment
    request.decided_by, request.decided_at = actor, timezone.now()
    return request


@transaction.atomic
def draft_cosign(*, actor: AbstractBaseUser, draft: Draft) -> Approval:
    """Co-sign the pending note: the Approval (by the author, with the note as submitted)
    and its outbox entry, exactly as an ordinary Approve makes them.

    Idempotent: co-signing a note already co-signed returns its Approval. Raises
    ReviewError when `actor` is not the author's supervisor, or nothing is pending.
    """
    _require_supervisor(actor, draft)
    request = _decide(actor=actor, draft=draft, status=CosignRequest.Status.COSIGNED)
    if request is None:
        existing = Approval.objects.filter(draft=draft, cosign__isnull=False).first()
        if existing:
            return existing
        raise ReviewError("This note is not waiting for co-signature.")
    request.approval = approval_create(
        draft=draft,
        approved_by=request.submitted_by,
        idempotency_key=request.idempotency_key,
        note_text=request.note_text,
        audit=False,
    )
    request.save()
    record(_event(LedgerEntry.Kind.COSIGN, request, {"note": request.note_text}), actor=actor)
    return request.approval


@transaction.atomic
def draft_return(*, actor: AbstractBaseUser, draft: Draft, comment: str) -> CosignRequest:
    """Return the pending note to its author with `comment` (required, at most
    COMMENT_MAX_CHARS characters); the author can then revise and approve again.

    Raises ReviewError for a missing or long comment, when `actor` is not the
    author's supervisor, or when nothing is pending.
    """
    _require_supervisor(actor, draft)
    comment = comment.strip()
    if not comment:
        raise ReviewError("Say what should change: a comment is required to return a note.")
    if len(comment) > COMMENT_MAX_CHARS:
        raise ReviewError(f"The comment is over {COMMENT_MAX_CHARS:,} characters; shorten it.")
    request = _decide(
        actor=actor, draft=draft, status=CosignRequest.Status.RETURNED, comment=comment
    )
    if request is None:
        raise ReviewError("This note is not waiting for co-signature.")
    request.save()
    record(_event(LedgerEntry.Kind.RETURN, request, {"comment": comment}), actor=actor)
    return request


def _event(kind: str, request: CosignRequest, content: dict) -> Event:
    meta = {
        "draft": str(request.draft_id),
        "cosign_request": request.pk,
        "author": request.submitted_by_id,
        "approval": request.approval_id,
    }
    return Event(kind=kind, client_id=request.draft.client_id, meta=meta, content=content)
