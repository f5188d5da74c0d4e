"""Treatment-plan reviews: one drafted review of a client's CarePlan, a section per Goal
with the clinician's decision, and the approval that writes it to the EHR once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from copilot.review.models import CosignDecision, Draft, DraftSection, WriteBack

# Status suggestions (issue 8) → FHIR Goal.lifecycleStatus and Goal.achievementStatus
# (goal-achievement). "on-hold" is a lifecycle status: the achievement is left as it was.
STATUS_CHOICES = [
    ("in-progress", "In progress"),
    ("achieved", "Achieved"),
    ("sustaining", "Sustaining"),
    ("on-hold", "On hold"),
]


class PlanReview(models.Model):
    """One review of a client's active CarePlan drafted by `author`.

    `careplan_id` / `careplan_version` (meta.versionId) are the plan as read at draft
    time: the write is made with If-Match on them. `since` is where the evidence starts
    (the last review, else CarePlan.period.start); `status` whether the engine finished.
    """

    Status = Draft.Status  # a review drafts, finishes or stops as a note draft does

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.CharField("FHIR Patient id", max_length=64, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_reviews"
    )
    careplan_id = models.CharField("FHIR CarePlan id", max_length=64)
    careplan_version = models.CharField(max_length=64, blank=True)
    careplan_title = models.CharField(max_length=200, blank=True)
    since = models.DateField(null=True, blank=True)
    engine_name = models.CharField(max_length=32)
    engine_version = models.CharField(max_length=32)
    engine_model = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.GENERATING)
    status_detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Plan review {self.id} for Patient/{self.client_id}"


class PlanGoalSection(models.Model):
    """The review of one Goal: the engine's progress summary (`ai_summary`, its sentences
    and sources in `sentences`), status suggestion with its reason, revised measurable
    wording (empty when the goal progressed), and the clinician's decision and final
    values. `goal_version` is the Goal's meta.versionId at draft time (If-Match)."""

    Decision = DraftSection.Decision  # the same decisions as a note's section

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="goals")
    goal_id = models.CharField("FHIR Goal id", max_length=64)
    goal_version = models.CharField(max_length=64, blank=True)
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    lifecycle_status = models.CharField(max_length=32)
    achievement_status = models.CharField(max_length=32, blank=True)
    restricted = models.BooleanField(default=False)
    evidence_found = models.BooleanField(default=False)
    ai_summary = models.TextField(blank=True)
    sentences = models.JSONField(default=list)
    ai_status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    ai_reason = models.TextField(blank=True)
    ai_revised = models.TextField(blank=True)
    final_summary = models.TextField(blank=True)
    final_status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    final_description = models.TextField(blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "goal_id"], name="one_section_per_goal")
        ]

    def __str__(self) -> str:
        return f"Goal/{self.goal_id} ({self.get_decision_display()})"


class PlanApproval(models.Model):
    """The author's Approve of a review, one per review whatever is retried (`review` is
    one-to-one, `idempotency_key` unique), and the state of its one EHR write:
    `pending` → `sending` (claimed, with a lease) → `written` or `failed` (with the
    reason; a retryable failure goes back to `pending`, and the outbox worker,
    `manage.py run_outbox`, tries again once `next_attempt_at` has passed)."""

    Status = WriteBack.Status  # the same states as a note's write to the EHR

    review = models.OneToOneField(PlanReview, on_delete=models.PROTECT, related_name="approval")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    careplan_version = models.CharField(max_length=64, blank=True)
    provenance_id = models.CharField(max_length=64, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.review_id})"


class PlanCosignRequest(CosignDecision):
    """One submission of a plan review to its author's supervisor for co-signature.

    When a clinician with `Clinician.requires_cosign` approves a review, a `pending`
    request is made instead of a PlanApproval, and the review is locked. The supervisor
    (`Clinician.supervisor` of `submitted_by`) either co-signs it (`cosigned`: the
    PlanApproval is made with `approved_by` = the supervisor and `approval` points at it;
    it is written to the EHR as any approval is) or returns it with a `comment`
    (`returned`: the review is editable again, and the next Approve makes a new request).
    At most one request per review is pending.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="cosign_requests")
    approval = models.OneToOneField(
        PlanApproval, null=True, blank=True, on_delete=models.PROTECT, related_name="cosign"
    )

    class Meta(CosignDecision.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["review"],
                condition=models.Q(status="pending"),
                name="one_pending_cosign_per_plan_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.review_id})"
