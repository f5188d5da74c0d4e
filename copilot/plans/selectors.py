"""Reads of treatment-plan reviews."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .models import PlanReview


def plan_review_latest(*, author: AbstractBaseUser, client_id: str) -> PlanReview | None:
    """The author's latest review of this client, with its goals and approval."""
    reviews = PlanReview.objects.filter(author=author, client_id=client_id)
    return reviews.select_related("approval").prefetch_related("goals").first()


def plan_review_get(*, author: AbstractBaseUser, client_id: str, review_id: str) -> PlanReview:
    """One review by id of this author and client (raises PlanReview.DoesNotExist,
    ValueError or ValidationError for a malformed id)."""
    reviews = PlanReview.objects.select_related("approval").prefetch_related("goals")
    return reviews.get(pk=review_id, author=author, client_id=client_id)
