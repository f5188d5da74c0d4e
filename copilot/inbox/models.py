"""The inbox's own state: each client message's triage (sorted once, acknowledged,
escalated) and each message the copilot drafted for a client (a reply, a reminder, a
follow-up or a welcome) with its review, approval and one write to the EHR.

The messages themselves stay in the EHR (FHIR Communication); only what the copilot
decided about them is kept here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from copilot.review.models import WriteBack


class MessageTriage(models.Model):
    """The triage of one client message (Communication `communication_id`) read from
    `practitioner_id`'s inbox. `text_hash` (SHA-256 of the text) re-sorts a message
    whose text changed. `reasons` are source spans of the text ([{"start", "end",
    "text"}]); `families` the urgent cue families that decided (urgent only);
    `review` the sentence of a non-urgent message read as possible risk. An
    urgent message is `acknowledged_*` by its clinician or, when that has not happened
    within INBOX_ESCALATION_MINUTES, `escalated_*` to a supervisor (audited)."""

    class Category(models.TextChoices):
        URGENT = "urgent", "Urgent"
        MEDICATION = "medication", "Medication"
        CLINICAL = "clinical", "Clinical question"
        BILLING = "billing", "Billing / insurance"
        SCHEDULING = "scheduling", "Scheduling"
        ADMINISTRATIVE = "administrative", "Administrative"

    communication_id = models.CharField("FHIR Communication id", max_length=64, unique=True)
    client_id = models.CharField("FHIR Patient id", max_length=64, db_index=True)
    practitioner_id = models.CharField("FHIR Practitioner id", max_length=64, db_index=True)
    sent_at = models.DateTimeField()
    text_hash = models.CharField(max_length=64)
    category = models.CharField(max_length=16, choices=Category.choices)
    reasons = models.JSONField(default=list)
    families = models.JSONField(default=list)
    review = models.JSONField(null=True, blank=True)  # {"start", "end", "text"}: possible risk
    triaged_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.category} Communication/{self.communication_id}"

    @property
    def urgent(self) -> bool:
        return self.category == self.Category.URGENT


class OutgoingMessage(models.Model):
    """A message to a client that the copilot drafted from a practice template: a reply
    to a client's message (`in_response_to`), or outreach from the schedule (a
    reminder, a follow-up or a welcome, `appointment_id`). Reviewed like a note
    section (accept, edit, reject), approved once (`idempotency_key`), then written to
    the EHR as one Communication through the outbox: `status` draft → pending →
    sending (leased) → written or failed, with retries and backoff as for notes.
    `suggestion` marks a clinical or medication reply: only a starting point for the
    clinician. `sources` are the chart and schedule entries the text was filled from."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        REMINDER = "reminder", "Appointment reminder"
        FOLLOW_UP = "follow_up", "Post-session follow-up"
        WELCOME = "welcome", "Welcome message"

    class Decision(models.TextChoices):
        PENDING = "pending", "Not yet decided"
        ACCEPTED = "accepted", "Accepted"
        EDITED = "edited", "Edited"
        REJECTED = "rejected", "Rejected"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = WriteBack.Status.PENDING.value, "Approved, waiting for the EHR"
        SENDING = WriteBack.Status.SENDING.value, "Sending"
        WRITTEN = WriteBack.Status.WRITTEN.value, "Sent"
        FAILED = WriteBack.Status.FAILED.value, "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    client_id = models.CharField("FHIR Patient id", max_length=64, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outgoing_messages"
    )
    in_response_to = models.CharField("FHIR Communication id", max_length=64, blank=True)
    appointment_id = models.CharField("FHIR Appointment id", max_length=64, blank=True)
    category = models.CharField(max_length=16, blank=True)
    template_key = models.CharField(max_length=32)
    suggestion = models.BooleanField(default=False)
    ai_text = models.TextField()
    final_text = models.TextField(blank=True)
    sources = models.JSONField(default=list)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by_rule = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    communication_written_id = models.CharField(max_length=64, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "appointment_id"],
                condition=~models.Q(appointment_id=""),
                name="one_outreach_per_appointment_and_kind",
            ),
            models.UniqueConstraint(
                fields=["in_response_to"],
                condition=~models.Q(in_response_to="") & ~models.Q(decision="rejected"),
                name="one_open_reply_per_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to Patient/{self.client_id} ({self.status})"

    @property
    def text(self) -> str:
        """What would be sent: the edited text, else the drafted one."""
        return self.final_text or self.ai_text
