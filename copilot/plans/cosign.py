"""Co-signature of treatment-plan reviews, as for notes (copilot.review.cosign).

A clinician with `Clinician.requires_cosign` (pre-licensed) who approves a plan review
submits it (`plan_review_submit`, called by services.plan_review_approve) instead of
writing it: one pending PlanCosignRequest per review, and the review is locked. The
submitter's supervisor (`Clinician.supervisor`) then either co-signs it
(`plan_review_cosign`: the PlanApproval is made with the supervisor as `approved_by`,
and is written to the EHR as any approval, with the supervisor in the Provenance as
verifier and legal authenticator) or returns it with a comment (`plan_review_return`:
the review is editable again, and the next Approve submits it anew). Each decision and
its audit-ledger entry share one transaction; the decision itself is a conditional
UPDATE of the pending row, so concurrent co-signs make one PlanApproval.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.review.cosign import COMMENT_MAX_CHARS

from .careplan_note import review_note
from .errors import PlanError
from .models import PlanApproval, PlanCosignRequest, PlanReview

Status = PlanCosignRequest.Status


def plan_cosign_pending(review: PlanReview) -> PlanCosignRequest | None:
    """The review's pending co-signature request, if any (at most one)."""
    return review.cosign_requests.filter(status=Status.PENDING).first()


def plan_review_submit(
    *, actor: AbstractBaseUser, review: PlanReview, idempotency_key: str
) -> PlanCosignRequest:
    """Send the approved review to the supervisor's queue: one pending request per review;
    the APPROVAL ledger entry (routed "cosign") carries the review note as submitted.

    The caller (services.plan_review_approve) has checked the author, the blockers and
    that a supervisor is assigned. Repeated or concurrent calls return the pending
    request; a key already used by a returned request raises PlanError.
    """
    try:
        with transaction.atomic():
            request = PlanCosignRequest.objects.create(
                review=review, submitted_by=actor, idempotency_key=idempotency_key
            )
            event = entries.plan_approved(review, review_note(review), routed="cosign")
            record(event, actor=actor)
            return request
    except IntegrityError:
        pending = plan_cosign_pending(review)
        if pending is None:  # the key of an earlier, returned submission
            raise PlanError("This approval was already used; approve again.") from None
        return pending


def _require_supervisor(actor: AbstractBaseUser, request: PlanCosignRequest) -> None:
    clinician = getattr(request.submitted_by, "clinician", None)
    supervisor = clinician.supervisor if clinician else None
    if supervisor is None or supervisor.user_id != actor.pk:
        raise PlanError("Only the clinician's supervisor can co-sign or return this plan review.")


def _decide(actor: AbstractBaseUser, request: PlanCosignRequest, **changes) -> bool:
    """Move the request from pending to `changes["status"]`; False when it was not
    pending any more (someone decided first)."""
    decided = PlanCosignRequest.objects.filter(pk=request.pk, status=Status.PENDING).update(
        decided_by=actor, decided_at=timezone.now(), **changes
    )
    return decided == 1


def _fresh(request: PlanCosignRequest) -> PlanCosignRequest:
    """The request as stored now (the caller's instance is left as it was)."""
    related = PlanCosignRequest.objects.select_related("review", "approval")
    return related.get(pk=request.pk)


def plan_review_cosign(*, actor: AbstractBaseUser, request: PlanCosignRequest) -> PlanApproval:
    """Co-sign the pending review: its PlanApproval (`approved_by` = the supervisor, the
    request's idempotency key), pending its EHR write (services.plan_approval_deliver).

    Idempotent: co-signing a request already co-signed returns its PlanApproval. Raises
    PlanError when `actor` is not the submitter's supervisor, or the request was
    returned.
    """
    _require_supervisor(actor, request)
    with transaction.atomic():  # the conditional UPDATE first: it takes the write lock
        if _decide(actor, request, status=Status.COSIGNED):
            approval = PlanApproval.objects.create(
                review=request.review, approved_by=actor, idempotency_key=request.idempotency_key
            )
            PlanCosignRequest.objects.filter(pk=request.pk).update(approval=approval)
            decided = _fresh(request)
            cosigner = actor.clinician.display_name
            note = review_note(decided.review, on=approval.approved_at, cosigner=cosigner)
            record(entries.plan_cosign_decided(decided, {"review": note}), actor=actor)
            return approval
    decided = _fresh(request)
    if decided.approval is not None:
        return decided.approval
    raise PlanError("This plan review is not waiting for co-signature.")


def plan_review_return(
    *, actor: AbstractBaseUser, request: PlanCosignRequest, comment: str
) -> PlanCosignRequest:
    """Return the pending review to its author with `comment` (required, at most
    COMMENT_MAX_CHARS characters); the author can then revise it and approve again.

    Raises PlanError for a missing or long comment, when `actor` is not the submitter's
    supervisor, or when the request is not pending.
    """
    _require_supervisor(actor, request)
    comment = comment.strip()
    if not comment:
        raise PlanError("Say what should change: a comment is required to return a review.")
    if len(comment) > COMMENT_MAX_CHARS:
        raise PlanError(f"The comment is over {COMMENT_MAX_CHARS:,} characters; shorten it.")
    with transaction.atomic():
        if _decide(actor, request, status=Status.RETURNED, comment=comment):
            decided = _fresh(request)
            record(entries.plan_cosign_decided(decided, {"comment": comment}), actor=actor)
            return decided
    raise PlanError("This plan review is not waiting for co-signature.")
