"""LedgerEntry: the append-only, hash-chained audit ledger."""

from __future__ import annotations

from django.db import models


class LedgerEntry(models.Model):
    """One audited event. Never updated or deleted: database triggers refuse it
    (migration 0004_audit_ledger), and the model is unmanaged after creation so
    that nothing in Django (e.g. test flushes) empties the table.

    `meta` holds what is not PHI (engine, model, prompt version, FHIR references,
    latency, ids); `content` (encrypted, see copilot.audit.crypto) holds what may be:
    the payload sent to a model after de-identification, its output, diffs.
    `content_hash` is SHA-256 over the canonical JSON of every field but the hashes
    (plaintext content included); `entry_hash` = SHA-256(previous_hash + content_hash),
    so changing any entry breaks every later link (`manage.py audit_verify`).
    """

    class Kind(models.TextChoices):
        AI_DRAFT = "ai.draft", "AI draft"
        AI_CHAT = "ai.chat", "AI chat answer"
        AI_SUGGESTION = "ai.suggestion", "AI suggestion"
        SECTION_DECISION = "review.section", "Section decision"
        FLAG_ACKNOWLEDGED = "review.flag", "Risk flag acknowledged"
        APPROVAL = "review.approve", "Approval"
        COSIGN = "review.cosign", "Co-signature"
        RETURN = "review.return", "Returned for revision"
        EHR_WRITE = "ehr.write", "EHR write"
        AI_TRIAGE = "ai.triage", "AI message triage"
        AI_MESSAGE = "ai.message", "AI drafted message"
        MESSAGE_DECISION = "review.message", "Message decision"
        MESSAGE_APPROVAL = "message.approve", "Message approval"
        MESSAGE_ACKNOWLEDGED = "message.acknowledge", "Urgent message acknowledged"
        MESSAGE_ESCALATED = "message.escalate", "Urgent message escalated"
        EHR_MESSAGE = "ehr.message", "EHR message write"
        AI_CLAIM = "ai.claim", "AI drafted claim"
        CLAIM_APPROVAL = "claim.approve", "Claim approval"
        EHR_CLAIM = "ehr.claim", "EHR claim write"

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        ERROR = "error", "Error"
        CANCELLED = "cancelled", "Cancelled"

    seq = models.BigIntegerField(unique=True)
    recorded_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=200, blank=True)
    client_id = models.CharField("FHIR Patient id", max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OK)
    meta = models.JSONField(default=dict)
    content = models.BinaryField()
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        managed = False
        db_table = "copilot_ledgerentry"
        ordering = ["seq"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.recorded_at:%Y-%m-%d %H:%M}"
