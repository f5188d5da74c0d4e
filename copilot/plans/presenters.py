"""What the Treatment plan tab shows: the overdue flag, and a review with its goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from copilot.ehr.plans import ACHIEVEMENT, TreatmentPlan

from . import services
from .engine import day
from .models import STATUS_CHOICES, PlanApproval, PlanGoalSection, PlanReview

STATUS_LABELS = dict(STATUS_CHOICES)


@dataclass(frozen=True)
class Overdue:
    """The plan's last review (or its start) and how many days ago that was."""

    last: date
    days: int

    @property
    def message(self) -> str:
        return f"Plan review overdue: last reviewed {day(self.last)} ({self.days} days ago)."


def overdue(plan: TreatmentPlan | None, today: date) -> Overdue | None:
    """An Overdue when the plan's last review (else CarePlan.period.start) is more than
    PLAN_REVIEW_DAYS (default 90) days before `today`; None otherwise."""
    last = plan.reviewed_since if plan else None
    if last is None:
        return None
    days = (today - last).days
    return Overdue(last, days) if days > settings.PLAN_REVIEW_DAYS else None


@dataclass(frozen=True)
class SentenceRow:
    text: str
    sources: tuple[str, ...]
    supported: bool


@dataclass(frozen=True)
class GoalRow:
    """One goal of a review as shown: the section, its summary sentences with sources,
    the current status (FHIR), the suggestion, and the labels of the decision."""

    section: PlanGoalSection
    sentences: tuple[SentenceRow, ...]
    current: str
    suggested: str
    final: str
    decision_label: str

    @property
    def revised(self) -> bool:
        return self.section.final_description.strip() != self.section.description.strip()


def goal_row(section: PlanGoalSection) -> GoalRow:
    sentences = tuple(
        SentenceRow(
            s["text"],
            tuple(src["reference"] for src in s.get("sources", []) if src.get("reference")),
            s.get("supported", True),
        )
        for s in section.sentences
    )
    current = section.achievement_status or section.lifecycle_status
    if section.lifecycle_status == "on-hold":
        current = "on-hold"
    return GoalRow(
        section=section,
        sentences=sentences,
        current=ACHIEVEMENT.get(current, STATUS_LABELS.get(current, current)),
        suggested=STATUS_LABELS[section.ai_status],
        final=STATUS_LABELS[section.final_status],
        decision_label=section.get_decision_display(),
    )


@dataclass(frozen=True)
class ReviewView:
    """A review as the tab shows it: goals, approval state, why Approve is not yet
    possible, and the Approve request's idempotency key."""

    review: PlanReview
    goals: tuple[GoalRow, ...]
    approval: PlanApproval | None
    blockers: tuple[str, ...]
    refusal: str
    error: str = ""

    @property
    def locked(self) -> bool:
        return self.approval is not None

    @property
    def can_approve(self) -> bool:
        return not self.blockers and not self.refusal and self.approval is None

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        return STATUS_CHOICES

    @property
    def idempotency_key(self) -> str:
        return self.review.id.hex


def review_view(review: PlanReview, user, *, error: str = "") -> ReviewView:
    """`review` (goals and approval loaded) for `user`, its author."""
    approval = getattr(review, "approval", None) if hasattr(review, "approval") else None
    return ReviewView(
        review=review,
        goals=tuple(goal_row(s) for s in review.goals.all()),
        approval=approval,
        blockers=tuple(services.approval_blockers(review)),
        refusal=services.cosign_refusal(user),
        error=error,
    )
