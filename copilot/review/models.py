"""Drafts and everything decided about them, persisted so nothing typed is lost."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Draft(models.Model):
    """One note being drafted for one client by one clinician.

    `input_text` is the clinician's brief notes or the session transcript exactly as
    submitted; `status` says whether the engine finished (`complete`) or stopped
    early (`incomplete`: failed or cancelled, with the reason in `status_detail`).
    `origin` says what started it: the clinician in the sidebar, a group session, or
    the end of an appointment (a pre-draft of what the clinician typed during it);
    the last two run on a worker when there is a task queue.
    """

    class Status(models.TextChoices):
        GENERATING = "generating", "Drafting"
        COMPLETE = "complete", "Complete"
        INCOMPLETE = "incomplete", "Incomplete"

    class InputKind(models.TextChoices):
        NOTES = "notes", "Clinician's notes"
        TRANSCRIPT = "transcript", "Session transcript"

    class Origin(models.TextChoices):
        SIDEBAR = "sidebar", "Drafted in the sidebar"
        GROUP = "group", "Group session"
        APPOINTMENT = "appointment", "Pre-drafted when the appointment ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.CharField("FHIR Patient id", max_length=64, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts"
    )
    template_key = models.CharField(max_length=32)
    engine_name = models.CharField(max_length=32)
    engine_version = models.CharField(max_length=32)
    engine_model = models.CharField(max_length=200, blank=True)
    input_kind = models.CharField(max_length=16, choices=InputKind.choices)
    input_text = models.TextField()
    encounter_id = models.CharField("FHIR Encounter id", max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.GENERATING)
    status_detail = models.CharField(max_length=500, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.SIDEBAR)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template_key.upper()} draft {self.id} for Patient/{self.client_id}"

    @property
    def in_background(self) -> bool:
        """Drafted away from the sidebar's socket (group session, pre-draft)."""
        return self.origin != self.Origin.SIDEBAR


class DraftSection(models.Model):
    """A section of a draft: the engine's text (`ai_text`, with its sentences and
    sources in `sentences`) and the clinician's decision and `final_text`."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided"
        ACCEPTED = "accepted", "Accepted"
        EDITED = "edited", "Edited"
        REJECTED = "rejected", "Rejected"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=32)
    title = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()
    ai_text = models.TextField(blank=True)
    sentences = models.JSONField(default=list)
    final_text = models.TextField(blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["draft", "key"], name="one_section_per_key")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_decision_display()})"


class RiskFlag(models.Model):
    """A risk statement found in the input or the chart. A positive one (not a
    documented denial) must be acknowledged before the draft can be approved."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="risk_flags")
    kind = models.CharField(max_length=32)
    negated = models.BooleanField(default=False)
    quote = models.TextField()
    source = models.JSONField(default=dict)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["negated", "id"]

    def __str__(self) -> str:
        return f"{'denial' if self.negated else 'flag'}: {self.kind}"

    @property
    def needs_acknowledgement(self) -> bool:
        return not self.negated and self.acknowledged_at is None


class Approval(models.Model):
    """The author's Approve. One per draft, whatever is retried (`draft` is one-to-one,
    `idempotency_key` unique); `note_text` is the note exactly as approved."""

    draft = models.OneToOneField(Draft, on_delete=models.PROTECT, related_name="approval")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    note_text = models.TextField()

    def __str__(self) -> str:
        return f"Approval of {self.draft_id}"


class CosignDecision(models.Model):
    """What every co-signature request holds (abstract): who submitted it and when,
    the idempotency key of the Approve that made it, and the supervisor's decision
    (`pending` → `cosigned` or `returned` with a `comment`). Rows are never deleted.
    Concrete: CosignRequest (a note's draft), copilot.plans.models.PlanCosignRequest."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for co-signature"
        COSIGNED = "cosigned", "Co-signed"
        RETURNED = "returned", "Returned for revision"

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.pk})"


class CosignRequest(CosignDecision):
    """One submission of a draft to its author's supervisor for co-signature.

    When a clinician with `Clinician.requires_cosign` approves, a `pending` request is
    made instead of an Approval. The supervisor (`Clinician.supervisor` of the author)
    either co-signs it (`cosigned`: the Approval and its outbox entry are made, and
    `approval` points at them) or returns it with a `comment` (`returned`: the draft
    can be revised, and the next Approve makes a new request). `note_text` is the note
    as submitted. At most one request per draft is pending.
    """

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="cosign_requests")
    note_text = models.TextField()
    approval = models.OneToOneField(
        Approval, null=True, blank=True, on_delete=models.PROTECT, related_name="cosign"
    )

    class Meta(CosignDecision.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["draft"],
                condition=models.Q(status="pending"),
                name="one_pending_cosign_per_draft",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.draft_id})"


class WriteBack(models.Model):
    """Outbox entry: the approved note on its way to the EHR.

    `pending` entries are sent when `next_attempt_at` has passed; one sender claims
    an entry by moving it to `sending` with a lease; a retryable failure puts it
    back to `pending` with exponential backoff, a permanent one to `failed`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for EHR"
        SENDING = "sending", "Sending to EHR"
        WRITTEN = "written", "Written to EHR"
        FAILED = "failed", "Failed"

    approval = models.OneToOneField(Approval, on_delete=models.PROTECT, related_name="write_back")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    document_reference_id = models.CharField(max_length=64, blank=True)
    document_reference_version = models.CharField(max_length=64, blank=True)
    provenance_id = models.CharField(max_length=64, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.approval.draft_id})"


class ComposerText(models.Model):
    """What a clinician has typed into the draft form for a client, autosaved."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=64)
    template_key = models.CharField(max_length=32, blank=True)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "client_id"], name="one_composer_per_client")
        ]

    def __str__(self) -> str:
        return f"Composer of {self.author_id} for Patient/{self.client_id}"
