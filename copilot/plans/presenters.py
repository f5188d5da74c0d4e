"""What the Treatment plan tab shows (the overdue flag, and a review with its goals),
and what the supervisor's co-signature queue and review page show of plan reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from copilot.ehr.plans import ACHIEVEMENT, TreatmentPlan
from copilot.review.diff import DiffSegment, word_diff
from copilot.web.presenters import CosignState

from . import selectors, services
from .engine import day
from .models import STATUS_CHOICES, PlanApproval, PlanCosignRequest, PlanGoalSection, PlanReview

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
class ReviewView(CosignState):
    """A review as the tab shows it: goals, approval state, why Approve is not yet
    possible, the Approve request's idempotency key, and for a clinician who needs
    co-signature the supervisor's name and the latest co-signature request."""

    review: PlanReview
    goals: tuple[GoalRow, ...]
    approval: PlanApproval | None
    blockers: tuple[str, ...]
    cosign: PlanCosignRequest | None = None  # the latest co-signature request, if any
    supervisor_name: str = ""  # who co-signs this author's reviews ("": no co-sign)
    submissions: int = 0  # co-signature requests made so far
    error: str = ""

    @property
    def waiting(self) -> bool:
        """Waiting for the supervisor or for the EHR: the tab polls until it is over (the
        goals are locked meanwhile, so nothing typed is replaced)."""
        writing = self.approval is not None and self.approval.status in (
            PlanApproval.Status.PENDING,
            PlanApproval.Status.SENDING,
        )
        return self.cosign_pending or writing

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        return STATUS_CHOICES

    @property
    def idempotency_key(self) -> str:
        """The review's id, so double clicks and two tabs approve once; after a return,
        suffixed with the submission's number, so the next Approve submits anew."""
        hex_id = self.review.id.hex
        return f"{hex_id}-{self.submissions}" if self.submissions else hex_id


def supervisor_name(user) -> str:
    """Who co-signs `user`'s plan reviews (Clinician.supervisor), "" when they need no
    co-signature or have no supervisor (Approve then says so)."""
    clinician = getattr(user, "clinician", None)
    if clinician is None or not clinician.requires_cosign or clinician.supervisor is None:
        return ""
    return clinician.supervisor.display_name


def review_view(review: PlanReview, user, *, error: str = "") -> ReviewView:
    """`review` (goals and approval loaded) for `user`, its author."""
    approval = getattr(review, "approval", None) if hasattr(review, "approval") else None
    cosign = selectors.plan_cosign_latest(review)
    pending = cosign is not None and cosign.status == PlanCosignRequest.Status.PENDING
    return ReviewView(
        review=review,
        goals=tuple(goal_row(s) for s in review.goals.all()),
        approval=approval,
        blockers=tuple(services.approval_blockers(review)) if not pending else (),
        cosign=cosign,
        supervisor_name=supervisor_name(user),
        submissions=review.cosign_requests.count() if cosign else 0,
        error=error,
    )


# --- the supervisor's co-signature queue ---------------------------------------------


@dataclass(frozen=True)
class PlanQueueRow:
    """One pending plan review in the queue: `updated` goals (not rejected) of `goals`."""

    request: PlanCosignRequest
    client_name: str
    clinician: str
    goals: int
    updated: int


def plan_queue_row(request: PlanCosignRequest, client_name: str) -> PlanQueueRow:
    """A row of selectors.plan_cosign_queue (review goals and submitter loaded)."""
    sections = list(request.review.goals.all())
    return PlanQueueRow(
        request=request,
        client_name=client_name,
        clinician=request.submitted_by.clinician.display_name,
        goals=len(sections),
        updated=sum(s.decision != PlanGoalSection.Decision.REJECTED for s in sections),
    )


@dataclass(frozen=True)
class GoalReview:
    """One goal as the supervisor reviews it: status now, as decided and as drafted;
    wording and progress summary as decided, with segments against the AI's draft
    (all `equal` when the clinician accepted the draft)."""

    section: PlanGoalSection
    current: str
    final: str
    suggested: str
    wording: tuple[DiffSegment, ...]
    summary: tuple[DiffSegment, ...]

    @property
    def included(self) -> bool:
        return self.section.decision != PlanGoalSection.Decision.REJECTED

    @property
    def edited(self) -> bool:
        return self.section.decision == PlanGoalSection.Decision.EDITED

    @property
    def wording_changed(self) -> bool:
        return any(s.op != "equal" for s in self.wording)

    @property
    def summary_changed(self) -> bool:
        return any(s.op != "equal" for s in self.summary)


def goal_review(section: PlanGoalSection) -> GoalReview:
    row = goal_row(section)
    drafted_wording = section.ai_revised or section.description
    return GoalReview(
        section=section,
        current=row.current,
        final=row.final,
        suggested=row.suggested,
        wording=word_diff(drafted_wording, section.final_description or section.description),
        summary=word_diff(section.ai_summary, section.final_summary),
    )


@dataclass(frozen=True)
class PlanCosignView:
    """Everything the supervisor's review page shows for one plan co-signature request;
    `earlier` are the review's earlier submissions (returned)."""

    request: PlanCosignRequest
    client_name: str
    clinician: str
    goals: tuple[GoalReview, ...]
    earlier: tuple[PlanCosignRequest, ...]

    @property
    def review(self) -> PlanReview:
        return self.request.review

    @property
    def approval(self) -> PlanApproval | None:
        return self.request.approval


def plan_cosign_view(request: PlanCosignRequest, client_name: str) -> PlanCosignView:
    """The review page of `request` (from selectors.plan_cosign_request_get_for_supervisor);
    `client_name` from the EHR (else the FHIR reference)."""
    review = request.review
    earlier = review.cosign_requests.filter(submitted_at__lt=request.submitted_at)
    return PlanCosignView(
        request=request,
        client_name=client_name,
        clinician=request.submitted_by.clinician.display_name,
        goals=tuple(goal_review(s) for s in review.goals.all()),
        earlier=tuple(earlier.select_related("decided_by__clinician")),
    )
