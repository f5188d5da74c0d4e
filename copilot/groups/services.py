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
import contextlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from copilot.drafting.engines import EngineError
from copilot.drafting.templates import NoteTemplate
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
    """Draft one note per attending member (already checked by attendance_validate) and
    wait for all of them. A member whose engine fails keeps an `incomplete` draft with
    the reason. Raises GroupInputError (text), EngineError (no engine), EhrError (a
    chart could not be read: nothing is created)."""
    template, text = group_input_validate(text)
    gateway = gateway or get_gateway()
    charts = await asyncio.gather(*(gateway.chart(m.client_id) for m in attending))
    facilitator = roster.group.facilitator
    views = [member_view(text, m, roster.members, facilitator=facilitator) for m in attending]
    # One engine each: an llm engine keeps its outbound; the grounded one the member's names.
    engines = [group_engine(own_pattern(m, roster.members)) for m in attending]
    session, drafts = await sync_to_async(group_session_create)(
        actor=actor, roster=roster, template=template, views=views, engine=engines[0].info
    )
    clinician = actor.get_full_name()
    requests = [
        DraftRequest(template, d.input_text, chart, d.input_kind, clinician=clinician)
        for d, chart in zip(drafts, charts, strict=True)
    ]
    await asyncio.gather(*map(_run_member, drafts, requests, engines))
    return session


async def _run_member(draft: Draft, request: DraftRequest, engine) -> None:
    await generation.draft_flag_risks(draft=draft, request=request)
    # A failed run leaves the draft incomplete with the reason, shown in the member's sidebar.
    with contextlib.suppress(EngineError):
        await generation.draft_run(draft=draft, request=request, engine=engine, emit=_ignore)


async def _ignore(_event) -> None:
    return None
