"""Claims and prior-authorization requests the copilot drafted, with their review state
and their one write to the EHR (a FHIR Claim)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from copilot.review.models import WriteBack


class ClaimRecord(models.Model):
    """One drafted FHIR Claim: `use` claim (from an approved note, `draft`) or
    preauthorization (a request from the chart). `resource` is the Claim as drafted;
    `findings` the scrubbing findings at draft time (copilot.claims.scrub: rule,
    severity, message, points_to, where); `letter` the prior-authorization narrative
    (sentences with their sources) as text. Approved once (`idempotency_key`), then
    written through the outbox: `status` draft → pending → sending (leased) → written
    or failed, as for notes."""

    class Use(models.TextChoices):
        CLAIM = "claim", "Claim"
        PREAUTHORIZATION = "preauthorization", "Prior authorization"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = WriteBack.Status.PENDING.value, "Approved, waiting for the EHR"
        SENDING = WriteBack.Status.SENDING.value, "Sending"
        WRITTEN = WriteBack.Status.WRITTEN.value, "Written to the EHR"
        FAILED = WriteBack.Status.FAILED.value, "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    use = models.CharField(max_length=16, choices=Use.choices)
    draft = models.ForeignKey(
        "copilot.Draft", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    client_id = models.CharField("FHIR Patient id", max_length=64, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims"
    )
    resource = models.JSONField()
    findings = models.JSONField(default=list)
    sentences = models.JSONField(default=list)  # prior authorization: [{"text", "sources"}]
    letter = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    claim_written_id = models.CharField("FHIR Claim id", max_length=64, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft"], condition=models.Q(use="claim"), name="one_claim_per_note"
            )
        ]

    def __str__(self) -> str:
        return f"{self.use} for Patient/{self.client_id} ({self.status})"

    @property
    def blocked(self) -> bool:
        """Does a scrubbing error keep it from being approved?"""
        return any(f.get("severity") == "error" for f in self.findings)
