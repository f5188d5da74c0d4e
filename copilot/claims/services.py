"""Claims from approved notes, and prior-authorization requests: drafted, scrubbed,
approved once, written to the EHR as one FHIR Claim through the outbox.

- `claim_for_draft`: the claim the approved note supports (copilot.claims.claim) with
  its scrubbing findings (copilot.claims.scrub) against the client's chart and the
  claims already in the EHR or drafted here; one per note, audited (`ai.claim`).
- `claim_approve`: refused while a finding of severity "error" stands; audited.
- `deliver` / `deliver_due`: the write, claimed and leased as notes are, retried with
  backoff while the EHR is down, a conditional create on the Claim's identifier so a
  retry writes nothing more.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.coding.services import is_coded
from copilot.coding.suggest import suggest_codes
from copilot.ehr import ChartGateway, EhrError, get_gateway
from copilot.ehr.base import Agent
from copilot.review.models import Approval, Draft
from copilot.review.outbox import Outbox

from . import priorauth
from .claim import build_claim
from .fhir import claim_resource
from .models import ClaimRecord
from .scrub import scrub

logger = logging.getLogger(__name__)
Status = ClaimRecord.Status


class ClaimError(ValueError):
    """What was asked cannot be done; `message` says why, for the clinician or biller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _agent(clinician) -> Agent:
    return Agent(clinician.practitioner_id, clinician.display_name)


def _providers(draft: Draft) -> tuple[Agent, Agent | None, bool]:
    """(rendering, supervising, pre-licensed) for the note's claim: the author; the
    supervisor who co-signed it, else the author's assigned supervisor when they need
    co-signature."""
    author = draft.author.clinician
    cosigned = (
        draft.cosign_requests.filter(status="cosigned")
        .select_related("decided_by__clinician")
        .order_by("-decided_at")
        .first()
    )
    if cosigned is not None and hasattr(cosigned.decided_by, "clinician"):
        supervising = _agent(cosigned.decided_by.clinician)
    elif author.requires_cosign and author.supervisor is not None:
        supervising = _agent(author.supervisor)
    else:
        supervising = None
    return _agent(author), supervising, author.requires_cosign


def _billed_here(client_id: str, excluding) -> set:
    """(client, code, date) of this client's other claims drafted or sent from here."""
    billed = set()
    others = ClaimRecord.objects.filter(client_id=client_id, use=ClaimRecord.Use.CLAIM)
    for row in others.exclude(pk=excluding):
        for item in row.resource.get("item", []):
            code = item["productOrService"]["coding"][0]["code"]
            billed.add((client_id, code, datetime.fromisoformat(item["servicedDate"]).date()))
    return billed


async def claim_for_draft(
    *, actor: AbstractBaseUser, draft: Draft, gateway: ChartGateway | None = None
) -> ClaimRecord:
    """The note's claim: the one already drafted, else a new one, scrubbed. Raises
    ClaimError (not the author, not approved, not an encounter note) or EhrError."""
    if draft.author_id != actor.pk:
        raise ClaimError("Only the note's author drafts its claim.")
    if not is_coded(draft):
        raise ClaimError("Claims are drafted for session notes, not for summaries.")
    existing = await ClaimRecord.objects.filter(draft=draft, use=ClaimRecord.Use.CLAIM).afirst()
    if existing is not None:
        return existing
    approval = await Approval.objects.filter(draft=draft).afirst()
    if approval is None:
        raise ClaimError("A claim is drafted once the note is approved.")
    gateway = gateway or get_gateway()
    chart = await gateway.chart(draft.client_id)
    service_date = draft.created_at.date()
    telehealth = await _telehealth(gateway, draft.client_id, service_date)
    rendering, supervising, pre_licensed = await sync_to_async(_providers)(draft)
    claim = build_claim(
        client_id=draft.client_id,
        draft_id=str(draft.id),
        note_text=approval.note_text,
        service_date=service_date,
        suggestions=suggest_codes(approval.note_text, chart, service_date),
        rendering=rendering,
        supervising=supervising,
        pre_licensed=pre_licensed,
        telehealth=telehealth,
    )
    billed = await gateway.billed_services(draft.client_id)
    billed |= await sync_to_async(_billed_here)(draft.client_id, None)
    findings = scrub(claim, chart, billed=billed)
    return await sync_to_async(_create)(actor, draft, claim, findings)


async def _telehealth(gateway: ChartGateway, client_id: str, day) -> bool | None:
    """True / False when the client's Appointment on `day` says; None: read the note."""
    for appointment in await gateway.client_appointments(client_id):
        if appointment.start.date() == day:
            return appointment.telehealth
    return None


def _create(actor, draft: Draft, claim, findings) -> ClaimRecord:
    try:
        with transaction.atomic():
            row = ClaimRecord(
                use=ClaimRecord.Use.CLAIM,
                draft=draft,
                client_id=draft.client_id,
                author=actor,
                resource={},
            )
            row.resource = claim_resource(claim, claim_id=str(row.id), created=timezone.now())
            row.findings = [
                {**asdict(f), "title": f.title, "severity": f.severity, "source": f.source}
                for f in findings
            ]
            row.save()
            record(entries.claim_drafted(row), actor=actor)
            return row
    except IntegrityError:  # drafted at the same moment elsewhere: keep that one
        return ClaimRecord.objects.get(draft=draft, use=ClaimRecord.Use.CLAIM)


def claim_approve(
    *, actor: AbstractBaseUser, claim: ClaimRecord, idempotency_key: str
) -> ClaimRecord:
    """Approve the claim once (a repeat returns it as it is): `pending` for the outbox.
    Raises ClaimError for another user's claim or while a scrubbing error stands."""
    with transaction.atomic():
        row = ClaimRecord.objects.select_for_update().get(pk=claim.pk)
        if row.author_id != actor.pk:
            raise ClaimError("Only the claim's author approves it.")
        if row.status != Status.DRAFT:
            return row
        if row.blocked:
            titles = "; ".join(f["message"] for f in row.findings if f["severity"] == "error")
            raise ClaimError(f"Fix these before approving: {titles}")
        row.status = Status.PENDING
        row.approved_by, row.approved_at = actor, timezone.now()
        row.next_attempt_at = row.approved_at
        row.idempotency_key = idempotency_key[:64]
        row.save()
        record(entries.claim_approved(row), actor=actor)
        return row


async def priorauth_draft(
    *,
    actor: AbstractBaseUser,
    client_id: str,
    kind: str,
    code: str,
    sessions: int,
    weeks: int,
    start,
    gateway: ChartGateway | None = None,
) -> ClaimRecord:
    """A prior-authorization request for the client (the caller checked the caseload):
    the narrative from their course of care (copilot.claims.priorauth, every sentence
    with its sources) and the preauthorization Claim, drafted for review; audited.
    Raises ClaimError (a request that is not valid, no diagnosis to justify it, not a
    clinician) or EhrError."""
    clinician = await sync_to_async(lambda: getattr(actor, "clinician", None))()
    if clinician is None:
        raise ClaimError("Your account is not linked to a clinician (FHIR Practitioner).")
    try:
        request = priorauth.PriorAuthRequest(kind, code, sessions, start, weeks)
    except ValueError as error:
        raise ClaimError(f"This request cannot be made: {error}.") from None
    course = await (gateway or get_gateway()).course_of_care(client_id)
    try:
        sentences = priorauth.narrative(course, request, today=timezone.localdate())
    except ValueError as error:
        raise ClaimError(str(error)) from None
    supervising = await sync_to_async(_supervisor_of)(clinician)
    row = ClaimRecord(
        use=ClaimRecord.Use.PREAUTHORIZATION, client_id=client_id, author=actor, resource={}
    )
    row.resource = priorauth.preauth_resource(
        client_id=client_id,
        request=request,
        sentences=sentences,
        rendering=_agent(clinician),
        supervising=supervising,
        diagnoses=priorauth.request_diagnoses(course),
        claim_id=str(row.id),
        created=timezone.now(),
    )
    row.sentences = [
        {"text": s.text, "sources": list(s.sources), "part": s.part} for s in sentences
    ]
    row.letter = priorauth.letter_text(sentences)
    return await sync_to_async(_save_drafted)(row, actor)


def _supervisor_of(clinician) -> Agent | None:
    if clinician.requires_cosign and clinician.supervisor is not None:
        return _agent(clinician.supervisor)
    return None


@transaction.atomic
def _save_drafted(row: ClaimRecord, actor) -> ClaimRecord:
    row.save()
    record(entries.claim_drafted(row), actor=actor)
    return row


async def claim_approve_async(
    *, actor: AbstractBaseUser, claim: ClaimRecord, idempotency_key: str
) -> ClaimRecord:
    """claim_approve from async code."""
    return await sync_to_async(claim_approve)(
        actor=actor, claim=claim, idempotency_key=idempotency_key
    )


async def _send(claim_id, gateway: ChartGateway | None) -> ClaimRecord:
    row = await ClaimRecord.objects.aget(pk=claim_id)
    try:
        written = await (gateway or get_gateway()).write_claim(row.resource, f"urn:uuid:{row.id}")
    except EhrError as error:
        logger.warning("Claim %s not written (%s)", claim_id, error.retryable)
        return await sync_to_async(_failed)(claim_id, error)
    return await sync_to_async(_written)(claim_id, written)


OUTBOX = Outbox(ClaimRecord, _send)
deliver = OUTBOX.deliver  # write one approved claim if due: (id, *, gateway=None)
deliver_due = OUTBOX.deliver_due  # write every due one: (*, gateway=None)


@transaction.atomic
def _written(claim_id, written: tuple[str, str]) -> ClaimRecord:
    row = ClaimRecord.objects.select_for_update().get(pk=claim_id)
    first = row.status != Status.WRITTEN
    row.status, row.lease_until, row.last_error = Status.WRITTEN, None, ""
    row.attempts += 1
    row.claim_written_id, row.written_at = written[0], timezone.now()
    row.save()
    if first:
        record(entries.claim_written(row, [f"Claim/{written[0]}/_history/{written[1]}"]))
    return row


def _failed(claim_id, error: EhrError) -> ClaimRecord:
    return OUTBOX.failed(claim_id, error, entries.claim_written)
