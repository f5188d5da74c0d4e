"""The inbox: what a clinician sees of their clients' secure messages, and what they
can do with them.

- `inbox_for` reads the clinician's messages from the EHR (FHIR Communication to their
  Practitioner), keeps those from clients on their caseload, sorts each new or changed
  one once (copilot.inbox.triage; an ai.triage ledger entry each) and returns them
  urgent first, then by category; supervisors also get the urgent messages escalated
  to them.
- Urgent messages are never answered from a template: the clinician acknowledges
  them (audited); `escalate_due` hands those left unacknowledged for
  INBOX_ESCALATION_MINUTES to the clinician's supervisor (or, without one, every
  supervisor of the practice), audited and e-mailed without PHI.
- `reply_draft` fills the practice's template for the message's category from the
  chart and the schedule; clinical and medication replies are marked suggestions.
  Each drafted message is accepted, edited or rejected, then approved once and
  written to the EHR as one Communication (`inResponseTo` the client's message)
  through the outbox (`deliver`, `deliver_due`), exactly as notes are.
- `outreach_prepare` drafts appointment reminders, post-session follow-ups and
  welcome messages from the schedule; each waits for approval unless its kind is in
  INBOX_AUTO_SEND (the practice's rule), which approves and sends it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from copilot.access.caseload import caseload_for
from copilot.accounts.models import Clinician
from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.ehr import ChartGateway, EhrError, get_gateway
from copilot.ehr.messages import Appointment, Message, WrittenMessage
from copilot.ehr.messages import OutgoingMessage as CommunicationOut
from copilot.review.outbox import Outbox

from . import replies
from .models import MessageTriage, OutgoingMessage
from .triage import CATEGORIES, LABELS, triage

logger = logging.getLogger(__name__)
Decision, Status = OutgoingMessage.Decision, OutgoingMessage.Status


class InboxError(ValueError):
    """What the clinician asked cannot be done; `message` says why, for them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InboxItem:
    """One client message as the inbox shows it."""

    message: Message
    triage: MessageTriage
    client_name: str
    reply: OutgoingMessage | None = None
    escalated_from: str = ""  # the supervisee's name, on a supervisor's escalation

    @property
    def highlighted(self) -> list[tuple[str, bool]]:
        """The text cut into (piece, is_reason) runs, for marking the deciding words."""
        text, runs, at = self.message.text, [], 0
        for reason in sorted(self.triage.reasons, key=lambda r: r["start"]):
            if reason["start"] < at or text[reason["start"] : reason["end"]] != reason["text"]:
                continue
            runs += [(text[at : reason["start"]], False), (reason["text"], True)]
            at = reason["end"]
        return [*runs, (text[at:], False)] if at < len(text) or not runs else runs


@dataclass(frozen=True)
class Inbox:
    """`items` urgent first (unacknowledged before acknowledged), then by category
    (CATEGORIES order), newest first within each; `outreach` the reminders,
    follow-ups and welcomes waiting for approval; `escalations` urgent messages of
    supervisees escalated to this user."""

    items: tuple[InboxItem, ...]
    outreach: tuple[OutgoingMessage, ...] = ()
    escalations: tuple[InboxItem, ...] = ()

    def groups(self) -> list[tuple[str, str, list[InboxItem]]]:
        """(category, label, items) for each category with messages, in order."""
        grouped = [
            (c, LABELS[c], [i for i in self.items if i.triage.category == c]) for c in CATEGORIES
        ]
        return [g for g in grouped if g[2]]

    @property
    def urgent_open(self) -> int:
        return sum(1 for i in self.items if i.triage.urgent and i.triage.acknowledged_at is None)


def _clinician(user: AbstractBaseUser) -> Clinician:
    clinician = getattr(user, "clinician", None)
    if clinician is None:
        raise InboxError("Your account is not linked to a clinician (FHIR Practitioner).")
    return clinician


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- reading and sorting -----------------------------------------------------------------


async def inbox_for(
    user: AbstractBaseUser, *, client_id: str | None = None, gateway: ChartGateway | None = None
) -> Inbox:
    """The signed-in clinician's inbox (see the module docstring); with `client_id`,
    only that client's messages and outreach. Raises InboxError (no clinician) or
    EhrError."""
    clinician = await sync_to_async(lambda: _clinician(user))()
    gateway = gateway or get_gateway()
    caseload = await caseload_for(user)
    if client_id is not None:
        received = await gateway.client_messages(client_id)
        received = [m for m in received if clinician.practitioner_id in m.recipient_ids]
    else:
        received = await gateway.inbox(clinician.practitioner_id)
    messages = [m for m in received if m.client_id in caseload]
    escalated = await sync_to_async(_escalated_to)(user)
    names = await _names(
        gateway, {m.client_id for m in messages} | {t.client_id for t in escalated}
    )
    triaged = await sync_to_async(triage_messages)(messages, clinician.practitioner_id)
    items = await sync_to_async(_items)(messages, triaged, names)
    outreach = await sync_to_async(_outreach_waiting)(user, client_id)
    escalations = await _escalations(gateway, escalated, names) if client_id is None else ()
    return Inbox(tuple(items), tuple(outreach), tuple(escalations))


async def _names(gateway: ChartGateway, client_ids: set[str]) -> dict[str, str]:
    if not client_ids:
        return {}
    return {c.id: c.name for c in await gateway.clients(ids=sorted(client_ids))}


def triage_messages(messages: Sequence[Message], practitioner_id: str) -> dict[str, MessageTriage]:
    """The triage of each message by Communication id: stored ones whose text is
    unchanged are reused; the others are sorted now (one embedding batch) and stored,
    each with an ai.triage ledger entry."""
    known = {
        t.communication_id: t
        for t in MessageTriage.objects.filter(communication_id__in=[m.id for m in messages])
    }
    fresh = [m for m in messages if m.id not in known or known[m.id].text_hash != _hash(m.text)]
    for message, result in zip(fresh, triage([m.text for m in fresh]), strict=True):
        known[message.id] = _store(message, result, practitioner_id)
    return known


@transaction.atomic
def _store(message: Message, result, practitioner_id: str) -> MessageTriage:
    row, _ = MessageTriage.objects.update_or_create(
        communication_id=message.id,
        defaults={
            "client_id": message.client_id,
            "practitioner_id": practitioner_id,
            "sent_at": message.sent,
            "text_hash": _hash(message.text),
            "category": result.category,
            "reasons": [{"start": s.start, "end": s.end, "text": s.text} for s in result.reasons],
            "families": list(result.families),
            "review": (
                {"start": result.review.start, "end": result.review.end, "text": result.review.text}
                if result.review
                else None
            ),
            "triaged_at": timezone.now(),
        },
    )
    record(entries.message_triaged(row))
    return row


def _items(messages, triaged, names) -> list[InboxItem]:
    replies_by = {
        r.in_response_to: r
        for r in OutgoingMessage.objects.filter(
            in_response_to__in=[m.id for m in messages]
        ).exclude(decision=Decision.REJECTED)
    }
    items = [
        InboxItem(m, triaged[m.id], names.get(m.client_id, ""), replies_by.get(m.id))
        for m in messages
    ]
    order = {c: i for i, c in enumerate(CATEGORIES)}
    items.sort(key=lambda i: -i.message.sent.timestamp())
    items.sort(key=lambda i: (order[i.triage.category], i.triage.acknowledged_at is not None))
    return items


def _outreach_waiting(user, client_id: str | None) -> list[OutgoingMessage]:
    waiting = OutgoingMessage.objects.filter(author=user, status=Status.DRAFT).exclude(
        kind=OutgoingMessage.Kind.REPLY
    )
    waiting = waiting.exclude(decision=Decision.REJECTED)
    return list(waiting.filter(client_id=client_id) if client_id else waiting)


def _escalated_to(user) -> list[MessageTriage]:
    return list(
        MessageTriage.objects.filter(escalated_to=user, acknowledged_at__isnull=True).order_by(
            "sent_at"
        )
    )


async def _escalations(gateway, escalated, names) -> list[InboxItem]:
    items = []
    for row in escalated:
        sent = await gateway.client_messages(row.client_id)
        message = next((m for m in sent if m.id == row.communication_id), None)
        if message is not None:
            clinician = await sync_to_async(_clinician_name)(row.practitioner_id)
            items.append(InboxItem(message, row, names.get(row.client_id, ""), None, clinician))
    return items


def _clinician_name(practitioner_id: str) -> str:
    found = Clinician.objects.filter(practitioner_id=practitioner_id).first()
    return found.display_name if found else f"Practitioner/{practitioner_id}"


# --- urgent: acknowledge, escalate ---------------------------------------------------------


@transaction.atomic
def acknowledge(*, actor: AbstractBaseUser, triage_row: MessageTriage) -> MessageTriage:
    """Record that the clinician (or the supervisor it was escalated to) has seen an
    urgent message and is acting on it; once, audited. Raises InboxError for a message
    that is not urgent."""
    row = MessageTriage.objects.select_for_update().get(pk=triage_row.pk)
    if not row.urgent:
        raise InboxError("Only urgent messages are acknowledged.")
    if row.acknowledged_at is None:
        row.acknowledged_by, row.acknowledged_at = actor, timezone.now()
        row.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record(entries.message_acknowledged(row), actor=actor)
    return row


def supervisors_for(practitioner_id: str) -> list[Clinician]:
    """Who an urgent message to this Practitioner escalates to: the clinician's own
    supervisor, else every supervisor of the practice (Clinician.role) but them."""
    clinician = Clinician.objects.filter(practitioner_id=practitioner_id).first()
    if clinician is not None and clinician.supervisor_id:
        return [clinician.supervisor]
    others = Clinician.objects.filter(role=Clinician.Role.SUPERVISOR)
    return list(others.exclude(practitioner_id=practitioner_id).select_related("user"))


def escalate_due(now: datetime | None = None) -> list[MessageTriage]:
    """Escalate every urgent message unacknowledged INBOX_ESCALATION_MINUTES after it
    was sorted (once each): the supervisors see it on top of their inbox, get an
    e-mail that names no client, and the ledger records it. Returns the rows escalated."""
    now = now or timezone.now()
    limit = timedelta(minutes=settings.INBOX_ESCALATION_MINUTES)
    due = MessageTriage.objects.filter(
        category=MessageTriage.Category.URGENT,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        triaged_at__lte=now - limit,
    )
    escalated = []
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            row = (
                MessageTriage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, escalated_at__isnull=True, acknowledged_at__isnull=True)
                .first()
            )
            if row is None:
                continue
            supervisors = supervisors_for(row.practitioner_id)
            row.escalated_at = now
            row.save(update_fields=["escalated_at"])
            row.escalated_to.set([s.user for s in supervisors])
            minutes = (now - row.triaged_at).total_seconds() / 60
            record(entries.message_escalated(row, [s.user_id for s in supervisors], minutes))
        _notify(supervisors)
        escalated.append(row)
    return escalated


def _notify(supervisors: Sequence[Clinician]) -> None:
    addresses = [s.user.email for s in supervisors if s.user.email]
    if not addresses:
        return
    send_mail(
        "Therapy copilot: an urgent client message needs attention",
        "An urgent secure message to a clinician you supervise has not been acknowledged "
        f"for {settings.INBOX_ESCALATION_MINUTES:g} minutes. Open the copilot's inbox to see it.",
        None,
        addresses,
        fail_silently=True,
    )


# --- drafted messages ----------------------------------------------------------------------


async def reply_draft(
    *, actor: AbstractBaseUser, triage_row: MessageTriage, gateway: ChartGateway | None = None
) -> OutgoingMessage:
    """Draft the reply to one message from the practice's template for its category,
    filled from the chart (the client's name) and the schedule (the next booked
    appointment); an open reply already drafted is returned as it is. Raises
    InboxError for an urgent message (never answered from a template) and EhrError."""
    if triage_row.urgent:
        raise InboxError(
            "Urgent messages are never answered from a template: call the client, use the "
            "crisis line or the safety plan, and acknowledge the message."
        )
    existing = await sync_to_async(_open_reply)(triage_row.communication_id)
    if existing is not None:
        return existing
    gateway = gateway or get_gateway()
    template = replies.get_template(triage_row.category)
    names = await _names(gateway, {triage_row.client_id})
    upcoming = await next_appointment(gateway, triage_row.client_id)
    clinician = await sync_to_async(lambda: _clinician(actor))()
    filled = replies.fill(
        template,
        client_id=triage_row.client_id,
        client_name=names.get(triage_row.client_id, ""),
        clinician_name=clinician.display_name,
        next_appointment=upcoming,
    )
    return await sync_to_async(_create)(
        actor=actor,
        kind=OutgoingMessage.Kind.REPLY,
        client_id=triage_row.client_id,
        template=template,
        filled=filled,
        category=triage_row.category,
        in_response_to=triage_row.communication_id,
    )


def _open_reply(communication_id: str) -> OutgoingMessage | None:
    return (
        OutgoingMessage.objects.filter(in_response_to=communication_id)
        .exclude(decision=Decision.REJECTED)
        .first()
    )


async def next_appointment(gateway: ChartGateway, client_id: str) -> Appointment | None:
    """The client's next booked Appointment, or None."""
    now = timezone.now()
    booked = [
        a
        for a in await gateway.client_appointments(client_id)
        if a.status == "booked" and a.start > now
    ]
    return min(booked, key=lambda a: a.start, default=None)


def _create(
    *, actor, kind, client_id, template, filled, category="", in_response_to="", appointment_id=""
) -> OutgoingMessage:
    with transaction.atomic():
        message = OutgoingMessage.objects.create(
            kind=kind,
            client_id=client_id,
            author=actor,
            in_response_to=in_response_to,
            appointment_id=appointment_id,
            category=category,
            template_key=template.key,
            suggestion=template.suggestion,
            ai_text=filled.text,
            sources=list(filled.sources),
        )
        record(entries.message_drafted(message), actor=actor)
    return message


def _editable(actor, message: OutgoingMessage) -> None:
    if message.author_id != actor.pk:
        raise InboxError("Only the message's author can change it.")
    if message.status != Status.DRAFT:
        raise InboxError("This message is approved; it can no longer be changed.")


@transaction.atomic
def decide(
    *, actor: AbstractBaseUser, message: OutgoingMessage, decision: str, text: str = ""
) -> OutgoingMessage:
    """Accept the drafted text, keep an edited `text` (what was typed is kept whatever
    happens; an edit equal to the draft counts as accepted; an empty edit is refused
    with a message) or reject the message (it is then not sent, and a new reply can be
    drafted). Audited."""
    message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
    _editable(actor, message)
    previous = message.text
    if decision == Decision.EDITED:
        text = text.strip()
        if not text:
            raise InboxError("The message is empty: write the reply, or reject it.")
        if text == message.ai_text.strip():
            decision, text = Decision.ACCEPTED, ""
    elif decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise InboxError(f"Unknown decision {decision!r}.")
    message.decision, message.final_text = decision, text if decision == Decision.EDITED else ""
    message.save(update_fields=["decision", "final_text", "updated_at"])
    record(entries.message_decided(message, previous_text=previous), actor=actor)
    return message


def approve(
    *,
    actor: AbstractBaseUser | None,
    message: OutgoingMessage,
    idempotency_key: str,
    by_rule: bool = False,
) -> OutgoingMessage:
    """Approve an accepted or edited message once (a repeated key or a second click
    returns the first approval): it becomes `pending` for the outbox. Raises
    InboxError while undecided or rejected. `by_rule`: approved by the practice's
    INBOX_AUTO_SEND rule rather than a person (actor None)."""
    try:
        with transaction.atomic():
            message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
            if message.status != Status.DRAFT:
                return message
            if not by_rule:
                _editable(actor, message)
                if message.decision == Decision.PENDING:
                    raise InboxError("Accept or edit the message before approving it.")
            if message.decision == Decision.REJECTED:
                raise InboxError("This message was rejected; draft a new one to send.")
            message.status = Status.PENDING
            message.approved_by, message.approved_by_rule = actor, by_rule
            message.approved_at = message.next_attempt_at = timezone.now()
            message.idempotency_key = idempotency_key[:64]
            message.save()
            record(entries.message_approved(message), actor=actor)
            return message
    except IntegrityError:  # the same key approved another message: keep the first
        raise InboxError("This approval was already used for another message.") from None


async def _send(message_id, gateway: ChartGateway | None) -> OutgoingMessage:
    message = await OutgoingMessage.objects.select_related("author__clinician").aget(pk=message_id)
    clinician = message.author.clinician
    out = CommunicationOut(
        id=str(message.id),
        client_id=message.client_id,
        practitioner_id=clinician.practitioner_id,
        practitioner_name=clinician.display_name,
        text=message.text,
        category=message.category or message.kind,
        sent=message.approved_at or timezone.now(),
        in_response_to=message.in_response_to,
        ai_assisted=True,  # drafted by the copilot, whatever the clinician changed
    )
    try:
        written = await (gateway or get_gateway()).write_message(out)
    except EhrError as error:
        logger.warning("Message %s not written (%s)", message_id, error.retryable)
        return await sync_to_async(_failed)(message_id, error)
    return await sync_to_async(_written)(message_id, written)


OUTBOX = Outbox(OutgoingMessage, _send)
deliver = OUTBOX.deliver  # send one approved message if due: (id, *, gateway=None)
deliver_due = OUTBOX.deliver_due  # send every due one: (*, gateway=None)


@transaction.atomic
def _written(message_id, written: WrittenMessage) -> OutgoingMessage:
    message = OutgoingMessage.objects.select_for_update().get(pk=message_id)
    first = message.status != Status.WRITTEN
    message.status, message.lease_until, message.last_error = Status.WRITTEN, None, ""
    message.attempts += 1
    message.communication_written_id = written.communication_id
    message.written_at = timezone.now()
    message.save()
    if first:
        reference = f"Communication/{written.communication_id}/_history/{written.version}"
        record(entries.message_written(message, [reference]))
    return message


def _failed(message_id, error: EhrError) -> OutgoingMessage:
    return OUTBOX.failed(message_id, error, entries.message_written)


# --- outreach from the schedule -------------------------------------------------------------


async def outreach_prepare(
    *, now: datetime | None = None, gateway: ChartGateway | None = None
) -> list[OutgoingMessage]:
    """Draft, for every clinician, a reminder of each booked appointment starting
    within REMINDER_HOURS_BEFORE, a follow-up of each fulfilled one that started within
    FOLLOW_UP_HOURS_AFTER, and a welcome for a client whose booked appointment is their
    first (no fulfilled one before it); once per appointment and kind. Kinds in
    INBOX_AUTO_SEND are approved by the practice's rule and sent. Returns what was
    drafted. Raises EhrError."""
    now = now or timezone.now()
    gateway = gateway or get_gateway()
    drafted = []
    clinicians = await sync_to_async(
        lambda: list(Clinician.objects.select_related("user").filter(user__is_active=True))
    )()
    for clinician in clinicians:
        window_start = now - timedelta(hours=settings.FOLLOW_UP_HOURS_AFTER)
        window_end = now + timedelta(hours=settings.REMINDER_HOURS_BEFORE)
        appointments = await gateway.appointments(
            clinician.practitioner_id, start=window_start, end=window_end
        )
        caseload = await caseload_for(clinician.user)
        for appointment in appointments:
            if appointment.client_id not in caseload:
                continue
            for kind in await _outreach_kinds(gateway, appointment, now):
                made = await _outreach(gateway, clinician, appointment, kind)
                if made is not None:
                    drafted.append(made)
    return drafted


async def _outreach_kinds(gateway, appointment: Appointment, now: datetime) -> list[str]:
    Kind = OutgoingMessage.Kind
    if appointment.status == "fulfilled" and appointment.start <= now:
        return [Kind.FOLLOW_UP]
    if appointment.status != "booked" or appointment.start <= now:
        return []
    history = await gateway.client_appointments(appointment.client_id)
    first = not any(a.status == "fulfilled" and a.start < appointment.start for a in history)
    return [Kind.WELCOME] if first else [Kind.REMINDER]


async def _outreach(gateway, clinician: Clinician, appointment: Appointment, kind: str):
    exists = await OutgoingMessage.objects.filter(
        kind=kind, appointment_id=appointment.id
    ).aexists()
    if exists:
        return None
    template = replies.get_template(kind)
    names = await _names(gateway, {appointment.client_id})
    upcoming = await next_appointment(gateway, appointment.client_id)
    filled = replies.fill(
        template,
        client_id=appointment.client_id,
        client_name=names.get(appointment.client_id, ""),
        clinician_name=clinician.display_name,
        next_appointment=upcoming,
        appointment=appointment,
    )
    try:
        message = await sync_to_async(_create)(
            actor=clinician.user,
            kind=kind,
            client_id=appointment.client_id,
            template=template,
            filled=filled,
            appointment_id=appointment.id,
        )
    except IntegrityError:  # another worker drafted it first
        return None
    if kind in settings.INBOX_AUTO_SEND:
        message = await sync_to_async(_approve_by_rule)(message)
        message = await deliver(message.pk, gateway=gateway)
    return message


def _approve_by_rule(message: OutgoingMessage) -> OutgoingMessage:
    OutgoingMessage.objects.filter(pk=message.pk).update(decision=Decision.ACCEPTED)
    message.refresh_from_db()
    return approve(actor=None, message=message, idempotency_key=f"rule-{message.id}", by_rule=True)
