"""Reads of treatment-plan reviews."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import PlanCosignRequest, PlanReview


def plan_review_latest(*, author: AbstractBaseUser, client_id: str) -> PlanReview | None:
    """The author's latest review of this client, with its goals and approval."""
    reviews = PlanReview.objects.filter(author=author, client_id=client_id)
    return reviews.select_related("approval").prefetch_related("goals").first()


def plan_review_get(*, author: AbstractBaseUser, client_id: str, review_id: str) -> PlanReview:
    """One review by id of this author and client (raises PlanReview.DoesNotExist,
    ValueError or ValidationError for a malformed id)."""
    reviews = PlanReview.objects.select_related("approval").prefetch_related("goals")
    return reviews.get(pk=review_id, author=author, client_id=client_id)


def plan_cosign_latest(review: PlanReview) -> PlanCosignRequest | None:
    """The review's most recent co-signature request (pending, returned or co-signed),
    with its deciding supervisor, or None."""
    requests = review.cosign_requests.select_related("decided_by__clinician")
    return requests.order_by("-submitted_at").first()


def plan_cosign_queue(supervisor: AbstractBaseUser) -> QuerySet[PlanCosignRequest]:
    """Pending plan-review requests of the clinicians `supervisor` supervises
    (Clinician.supervisor of the submitter), oldest first, with review, goals and
    submitter loaded."""
    return (
        PlanCosignRequest.objects.filter(
            status=PlanCosignRequest.Status.PENDING,
            submitted_by__clinician__supervisor__user=supervisor,
        )
        .select_related("review", "submitted_by__clinician")
        .prefetch_related("review__goals")
        .order_by("submitted_at")
    )


def plan_cosign_request_get_for_supervisor(
    user: AbstractBaseUser, request_id: str
) -> PlanCosignRequest:
    """The plan-review co-signature request `request_id` if `user` supervises its
    submitter (Clinician.supervisor), else PlanCosignRequest.DoesNotExist: also for a
    malformed id, so callers need one error path."""
    missing = PlanCosignRequest.DoesNotExist(f"No plan review {request_id!r} for this user.")
    try:
        uuid.UUID(str(request_id))
    except ValueError:
        raise missing from None
    request = (
        PlanCosignRequest.objects.filter(
            pk=request_id, submitted_by__clinician__supervisor__user=user
        )
        .select_related(
            "review__author__clinician",
            "submitted_by__clinician",
            "decided_by__clinician",
            "approval",
        )
        .prefetch_related("review__goals")
        .first()
    )
    if request is None:
        raise missing
    return request
