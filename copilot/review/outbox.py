"""Delivery of approved notes to the EHR: at least once from here, exactly once there.

Each approval has one WriteBack row. A sender first claims the row (a conditional
UPDATE to `sending` with a lease; the outbox sweep claims a batch of due rows with
`SELECT … FOR UPDATE SKIP LOCKED`, so several workers take disjoint rows without
waiting on each other), so two senders never send the same note at the same time;
the EHR write itself is a conditional create on the draft's identifier, so a retry
after a lost response finds the first copy. A retryable failure (EHR down) puts the
row back to `pending` with exponential backoff; a permanent one records the reason
as `failed`. Nothing is ever deleted.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.drafting.templates import get_template
from copilot.ehr import EhrError, get_gateway
from copilot.ehr.base import Agent, ApprovedNote, ChartGateway, WrittenNote

from . import selectors
from .models import WriteBack
from .services import attempt_failed

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
CLAIM_BATCH = 20  # rows one sweep claims; each is sent before the next sweep claims more


def _due(now: datetime) -> Q:
    return Q(status=WriteBack.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WriteBack.Status.SENDING, lease_until__lt=now
    )


def claim(write_back_id: int, *, now: datetime | None = None) -> bool:
    """Take the row for sending if it is due and nobody holds it; True if we got it."""
    now = now or timezone.now()
    claimed = WriteBack.objects.filter(_due(now), pk=write_back_id).update(
        status=WriteBack.Status.SENDING, lease_until=now + LEASE
    )
    return claimed == 1


def approved_note(write_back: WriteBack) -> ApprovedNote:
    """The note as the EHR should receive it, from the approval and its draft."""
    approval = write_back.approval
    draft = approval.draft
    author = draft.author.clinician
    approver = approval.approved_by.clinician
    agent = Agent(author.practitioner_id, author.display_name)
    verifier = Agent(approver.practitioner_id, approver.display_name)
    cosigner = _cosigner(approval)
    return ApprovedNote(
        draft_id=str(draft.id),
        client_id=draft.client_id,
        template_name=get_template(draft.template_key).name,
        sections=selectors.note_sections(draft),
        author=agent,
        verifiers=(verifier, cosigner) if cosigner else (verifier,),
        legal_authenticator=cosigner,
        drafted_at=draft.created_at,
        approved_at=approval.approved_at,
        engine_name=draft.engine_name,
        engine_version=draft.engine_version,
        engine_model=draft.engine_model,
        encounter_id=draft.encounter_id,
        sources=selectors.cited_references(draft),
        document_type=get_template(draft.template_key).document_type,
    )


def _cosigner(approval) -> Agent | None:
    """The supervisor who co-signed the approval (CosignRequest.decided_by), if any."""
    request = getattr(approval, "cosign", None)
    if request is None:
        return None
    clinician = request.decided_by.clinician
    return Agent(clinician.practitioner_id, clinician.display_name)


@transaction.atomic
def record_written(write_back_id: int, written: WrittenNote) -> WriteBack:
    row = WriteBack.objects.select_for_update().get(pk=write_back_id)
    first_time = row.status != WriteBack.Status.WRITTEN
    row.status = WriteBack.Status.WRITTEN
    row.attempts += 1
    row.document_reference_id = written.document_reference_id
    row.document_reference_version = written.document_reference_version
    row.provenance_id = written.provenance_id
    row.written_at = timezone.now()
    row.lease_until = None
    row.last_error = ""
    row.save()
    if first_time:
        references = [
            f"DocumentReference/{written.document_reference_id}"
            f"/_history/{written.document_reference_version}",
            f"Provenance/{written.provenance_id}",
        ]
        record(entries.ehr_written(row, references))
    return row


@transaction.atomic
def record_failure(write_back_id: int, error: EhrError) -> WriteBack:
    row = WriteBack.objects.select_for_update().get(pk=write_back_id)
    attempt_failed(row, error)
    row.save()
    if row.status == WriteBack.Status.FAILED:
        event = entries.ehr_written(row, [])
        record(replace(event, outcome="error", content={"error": row.last_error}))
    return row


def _load(write_back_id: int) -> WriteBack:
    return WriteBack.objects.select_related(
        "approval__draft__author__clinician",
        "approval__approved_by__clinician",
        "approval__cosign__decided_by__clinician",
    ).get(pk=write_back_id)


def claim_batch(model, due: Q, *, limit: int, now: datetime) -> list[int]:
    """Claim up to `limit` rows of an outbox `model` (WriteBack, PlanApproval: fields
    `status`, `next_attempt_at`, `lease_until`) matching `due`, oldest due first, and
    return their ids: one transaction selects them `FOR UPDATE SKIP LOCKED` - rows
    another sender is claiming at that moment are passed over, not waited for - and
    leases them as `sending` for LEASE. (SQLite ignores the row lock; its single writer
    serializes claims.)"""
    with transaction.atomic():
        ids = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        model.objects.filter(pk__in=ids).update(status="sending", lease_until=now + LEASE)
    return ids


class Outbox:
    """Claiming and delivery for an outbox table of approved things to write to the EHR
    (`model` with `status` pending / sending / written / failed, `next_attempt_at`,
    `lease_until`): a row is due when pending past its next attempt, or sending with a
    lapsed lease (its sender died). `send(pk, gateway)` writes a claimed row and
    returns it as it ends up."""

    def __init__(self, model, send) -> None:
        self.model, self.send = model, send

    def due(self, now: datetime) -> Q:
        return Q(status="pending", next_attempt_at__lte=now) | Q(
            status="sending", lease_until__lt=now
        )

    def take(self, pk, *, now: datetime | None = None) -> bool:
        """Claim one row for sending if it is due and nobody holds it."""
        now = now or timezone.now()
        taken = self.model.objects.filter(self.due(now), pk=pk).update(
            status="sending", lease_until=now + LEASE
        )
        return taken == 1

    def claim_due(self, limit: int = CLAIM_BATCH, *, now: datetime | None = None) -> list:
        """Claim up to `limit` due rows (claim_batch: SELECT … FOR UPDATE SKIP LOCKED)."""
        now = now or timezone.now()
        return claim_batch(self.model, self.due(now), limit=limit, now=now)

    def failed(self, pk, error: EhrError, entry):
        """Record a failed write of a claimed row (attempt_failed: pending again after
        the backoff, or failed with the reason); `entry(row, [], error=…)` is the ledger
        event of a write that failed for good. Returns the row."""
        with transaction.atomic():
            row = self.model.objects.select_for_update().get(pk=pk)
            attempt_failed(row, error)
            row.save()
            if row.status == WriteBack.Status.FAILED:
                record(entry(row, [], error=row.last_error))
            return row

    async def deliver(self, pk, *, gateway: ChartGateway | None = None):
        """Send one row if it is due and unclaimed; returns it as it ends up."""
        if not await sync_to_async(self.take)(pk):
            return await self.model.objects.aget(pk=pk)
        return await self.send(pk, gateway)

    async def deliver_due(self, *, gateway: ChartGateway | None = None) -> list:
        """Claim the rows due now, a batch at a time, and send them."""
        touched = []
        while ids := await sync_to_async(self.claim_due)():
            touched += [await self.send(pk, gateway) for pk in ids]
        return touched


def claim_due(limit: int = CLAIM_BATCH, *, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due notes for this sender (claim_batch) and return their ids."""
    now = now or timezone.now()
    return claim_batch(WriteBack, _due(now), limit=limit, now=now)


async def deliver(write_back_id: int, *, gateway: ChartGateway | None = None) -> WriteBack:
    """Send one approved note if it is due and unclaimed; returns the row as it ends up."""
    if not await sync_to_async(claim)(write_back_id):
        return await sync_to_async(_load)(write_back_id)
    return await _send(write_back_id, gateway)


async def _send(write_back_id: int, gateway: ChartGateway | None) -> WriteBack:
    """Send a row this sender has claimed and record how it went."""
    row = await sync_to_async(_load)(write_back_id)
    note = await sync_to_async(approved_note)(row)
    try:
        written = await (gateway or get_gateway()).write_note(note)
    except EhrError as error:
        logger.warning("Write-back %s failed (%s): %s", write_back_id, error.retryable, error)
        return await sync_to_async(record_failure)(write_back_id, error)
    return await sync_to_async(record_written)(write_back_id, written)


async def deliver_due(*, gateway: ChartGateway | None = None) -> list[WriteBack]:
    """Claim the notes due now (`claim_due`, a batch at a time) and send them; returns
    the rows it touched."""
    touched: list[WriteBack] = []
    while ids := await sync_to_async(claim_due)():
        touched += [await _send(pk, gateway) for pk in ids]
    return touched
