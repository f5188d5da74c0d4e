"""The one way an Approval (and its outbox entry) comes to exist, shared by the author's
Approve (services.draft_approve) and the supervisor's co-sign (cosign.draft_cosign)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from copilot.audit import entries
from copilot.audit.ledger import record

from .models import Approval, Draft, WriteBack


def approval_create(
    *,
    draft: Draft,
    approved_by: AbstractBaseUser,
    idempotency_key: str,
    note_text: str,
    audit: bool = True,
) -> Approval:
    """One Approval and one pending WriteBack for `draft`, or the Approval it already has.

    `draft` is one-to-one and `idempotency_key` unique on Approval, so concurrent
    callers get the first row (the losing INSERT rolls back to a savepoint). With
    `audit`, the approval's ledger entry is written with it (a co-sign records its own).
    """
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                draft=draft,
                approved_by=approved_by,
                idempotency_key=idempotency_key,
                note_text=note_text,
            )
            WriteBack.objects.create(approval=approval, next_attempt_at=timezone.now())
            if audit:
                record(entries.approved(draft, note_text, routed="ehr"), actor=approved_by)
    except IntegrityError:
        return Approval.objects.get(draft=draft)
    return approval
