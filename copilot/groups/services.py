"""Group sessions: who may be ticked as attending, and one Draft per attending member.

`group_session_draft` reads each attending member's chart, cuts the session's input
down to that member's view (copilot.groups.scrub), and runs the configured drafting
engine once per member with the "group" template, exactly as a progress note is
drafted (risk flags, sections, the ledger's ai.draft entry per member via
copilot.review.generation). With the `llm` engine each member's prompt is
de-identified against that member's chart (copilot.drafting.engines.protect).
Review, Approve and the write to the EHR are then each member's ordinary draft's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from copilot.drafting.templates import NoteTemplate, get_template
from copilot.drafting.text import segment
from copilot.drafting.types import DraftRequest
from copilot.ehr import ChartGateway, get_gateway
from copilot.ehr.groups import GroupMember, GroupRoster
from copilot.review import generation
from copilot.review import services as review
from copilot.review.models import Draft

from .engine import group_engine
from .models import GroupNote, GroupSession
from .scrub import MemberView, member_view, own_pattern

TEMPLATE = "group"


class GroupInputError(ValueError):
    """The group form's input is not acceptable; `field` names the form field
    ("attending" or "text"). The message names no member."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Attendance:
    """The roster as the facilitator may tick it: `eligible` members are on their caseload
    (ticked by default); `others` counts members who are not (never named or tickable)."""

    eligible: tuple[GroupMember, ...]
    others: int


def group_attendance(roster: GroupRoster, caseload: Collection[str]) -> Attendance:
    """Split the roster by the facilitator's caseload (copilot.access.caseload_for)."""
    eligible = tuple(m for m in roster.members if m.client_id in caseload)
    return Attendance(eligible, len(roster.group.member_ids) - len(eligible))


def attendance_validate(
    *, roster: GroupRoster, caseload: Collection[str], ticked: Sequence[str]
) -> tuple[GroupMember, ...]:
    """The ticked members, in roster order. Raises GroupInputError when none is ticked or
    one is not a member on the facilitator's caseload (the access rule: a facilitator
    drafts only for clients they may open)."""
    wanted = set(ticked)
    if not wanted:
        raise GroupInputError("Tick at least one member who attended.", field="attending")
    eligible = {m.client_id: m for m in group_attendance(roster, caseload).eligible}
    if not wanted <= eligible.keys():
        raise GroupInputError(
            "Only members of this group who are on your caseload can be ticked.",
            field="attending",
        )
    return tuple(m for m in roster.members if m.client_id in wanted)


def group_input_validate(text: str) -> tuple[NoteTemplate, str]:
    """The group template and the stripped text (copilot.review.services limits);
    raises GroupInputError."""
    try:
        return review.draft_input_validate(template_key=TEMPLATE, text=text)
    except review.DraftInputError as error:
        raise GroupInputError(error.message, field=error.field) from None


@transaction.atomic
def group_session_create(
    *,
    actor: AbstractBaseUser,
    roster: GroupRoster,
    template: NoteTemplate,
    views: Sequence[MemberView],
    engine,
) -> tuple[GroupSession, list[Draft]]:
    """The session and one `generating` Draft per member view, holding that view as its
    input (the session's own text, naming everyone, is not stored)."""
    session = GroupSession.objects.create(
        author=actor, group_id=roster.group.id, group_name=roster.group.name[:200]
    )
    drafts = []
    for view in views:
        draft = review.draft_create(
            actor=actor,
            client_id=view.client_id,
            template=template,
            text=view.text,
            kind=segment(view.text)[0],
            engine=engine,
            origin=Draft.Origin.GROUP,
        )
        GroupNote.objects.create(session=session, draft=draft, client_id=view.client_id)
        drafts.append(draft)
    return session, drafts


async def group_session_draft(
    *,
    actor: AbstractBaseUser,
    roster: GroupRoster,
    attending: Sequence[GroupMember],
    text: str,
    gateway: ChartGateway | None = None,
) -> GroupSession:
    """Draft one note per attending member (already checked by attendance_validate).

    With a task queue each member's note is queued for a worker
    (copilot.groups.tasks) and this returns at once, the notes `generating`;
    without one they are drafted here and this waits for all of them. A member
    whose engine fails keeps an `incomplete` draft with the reason. Raises
    GroupInputError (text), EngineError (no engine), EhrError (a chart could not be
    read: nothing is created)."""
    template, text = group_input_validate(text)
    gateway = gateway or get_gateway()
    queued = not settings.CELERY_TASK_ALWAYS_EAGER
    charts = [] if queued else await _charts(gateway, [m.client_id for m in attending])
    facilitator = roster.group.facilitator
    views = [member_view(text, m, roster.members, facilitator=facilitator) for m in attending]
    engine = group_engine(None)  # the configured engine (EngineError before anything is stored)
    session, drafts = await sync_to_async(group_session_create)(
        actor=actor, roster=roster, template=template, views=views, engine=engine.info
    )
    if queued:
        from .tasks import group_note_draft_task

        for draft in drafts:
            group_note_draft_task.delay(str(draft.id))
        return session
    await asyncio.gather(
        *(
            _run(draft, roster, chart, template, member)
            for draft, chart, member in zip(drafts, charts, attending, strict=True)
        )
    )
    return session


async def group_note_draft(draft_id: str, *, gateway: ChartGateway | None = None) -> Draft | None:
    """Draft one member's queued group note (the worker's half of group_session_draft):
    reads the roster and the member's chart now. Returns the draft, or None when it is
    no longer waiting (already drafted, or expired). Raises EhrError when the EHR
    cannot be read (the draft is still `generating`; the task retries)."""
    note = await sync_to_async(_waiting_note)(draft_id)
    if note is None:
        return None
    gateway = gateway or get_gateway()
    roster, chart = await asyncio.gather(
        gateway.group_roster(note.session.group_id), gateway.chart(note.client_id)
    )
    member = next((m for m in roster.members if m.client_id == note.client_id), None)
    template = get_template(note.draft.template_key)
    return await _run(note.draft, roster, chart, template, member)


async def group_note_fail(draft_id: str, detail: str) -> None:
    """Stop a queued member's note that cannot be drafted (the EHR refused, or stayed
    down through every retry): `incomplete` with `detail`, shown in their sidebar."""
    note = await sync_to_async(_waiting_note)(draft_id)
    if note is not None:
        await sync_to_async(review.draft_finish)(draft=note.draft, complete=False, detail=detail)


def _waiting_note(draft_id: str) -> GroupNote | None:
    note = (
        GroupNote.objects.select_related("draft__author", "session")
        .filter(draft_id=draft_id)
        .first()
    )
    if note is None or note.draft.status != Draft.Status.GENERATING or note.draft.sections.exists():
        return None
    return note


async def _charts(gateway: ChartGateway, client_ids: Sequence[str]):
    return await asyncio.gather(*(gateway.chart(client_id) for client_id in client_ids))


async def _run(draft: Draft, roster: GroupRoster, chart, template, member: GroupMember | None):
    # One engine each: an llm engine keeps its outbound; the grounded one the member's names.
    engine = group_engine(own_pattern(member, roster.members) if member else None)
    clinician = await sync_to_async(lambda: draft.author.get_full_name())()
    request = DraftRequest(template, draft.input_text, chart, draft.input_kind, clinician=clinician)
    return await generation.draft_run_unattended(draft=draft, request=request, engine=engine)
