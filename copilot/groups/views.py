"""Group session pages. Views translate: permission-checked fetch, one service, render.

- `group_panel`: a member's groups, each with the attendance form (members on the
  signed-in clinician's caseload ticked; the others only counted, never named).
- `group_draft`: draft one note per attending member, then list them.
- `group_session`: the session's member notes with their review state and links.
"""

from __future__ import annotations

from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from copilot.access.caseload import caseload_for
from copilot.access.fetch import group_for_user, group_session_for_user
from copilot.access.http import client_required, ehr_error_response
from copilot.drafting.engines import EngineError
from copilot.ehr import EhrError, get_gateway
from copilot.ehr.groups import GroupMember, GroupRoster

from . import presenters, selectors, services

TEMPLATE = "copilot/groups.html"


@dataclass(frozen=True)
class GroupForm:
    """One group's attendance form as shown: the roster split by caseload, what was
    typed and ticked, and the input error, if any."""

    roster: GroupRoster
    attendance: services.Attendance
    text: str = ""
    ticked: frozenset[str] | None = None  # None: every eligible member (the default)
    error: services.GroupInputError | None = None

    @property
    def choices(self) -> list[tuple[GroupMember, bool]]:
        """(member, ticked) for each member on the caseload."""
        chosen = self.ticked
        return [(m, chosen is None or m.client_id in chosen) for m in self.attendance.eligible]


@login_required
@require_safe
@client_required
async def group_panel(request: HttpRequest, client_id: str) -> HttpResponse:
    """The Group session panel of a member's sidebar (the whole page without htmx)."""
    user = await request.auser()
    try:
        caseload = await caseload_for(user)
        groups = await get_gateway().client_groups(client_id)
        rosters = [await group_for_user(user, client_id, g.id) for g in groups]
    except EhrError as error:
        return ehr_error_response(error)
    forms = [GroupForm(r, services.group_attendance(r, caseload)) for r in rosters]
    template = f"{TEMPLATE}#group-panel" if request.htmx else TEMPLATE
    return render(request, template, {"client_id": client_id, "forms": forms})


@login_required
@require_POST
@client_required
async def group_draft(request: HttpRequest, client_id: str, group_id: str) -> HttpResponse:
    """Draft the session for the ticked members (`attending`, repeated) from `text`."""
    user = await request.auser()
    text, ticked = request.POST.get("text", ""), request.POST.getlist("attending")
    try:
        roster = await group_for_user(user, client_id, group_id)
        caseload = await caseload_for(user)
        attending = services.attendance_validate(roster=roster, caseload=caseload, ticked=ticked)
        session = await services.group_session_draft(
            actor=user, roster=roster, attending=attending, text=text
        )
    except EhrError as error:
        return ehr_error_response(error)
    except (services.GroupInputError, EngineError) as error:
        if isinstance(error, EngineError):
            error = services.GroupInputError(error.message, field="text")
        attendance = services.group_attendance(roster, caseload)
        form = GroupForm(roster, attendance, text, frozenset(ticked), error)
        context = {"client_id": client_id, "form": form}
        return render(request, f"{TEMPLATE}#group-form", context, status=400)
    if not request.htmx:
        return redirect("group-session", session_id=session.id)
    context = await _session_context(user, session, client_id=client_id)
    return render(request, f"{TEMPLATE}#session", context)


@login_required
@require_safe
async def group_session(request: HttpRequest, session_id) -> HttpResponse:
    """A group session's member notes, each linking to that member's sidebar; polled
    by htmx (the `session` partial) while a worker is still drafting some of them.
    `client_id` (query) is the sidebar the page is shown in, if any."""
    user = await request.auser()
    session = await group_session_for_user(user, str(session_id))
    client_id = request.GET.get("client_id", "")[:64]
    try:
        context = await _session_context(user, session, client_id=client_id)
    except EhrError as error:
        return ehr_error_response(error)
    return render(request, f"{TEMPLATE}#session" if request.htmx else TEMPLATE, context)


async def _session_context(user, session, *, client_id: str = "") -> dict:
    caseload = await caseload_for(user)
    notes = await sync_to_async(selectors.session_notes)(session, caseload)
    names = {c.id: c.name for c in await get_gateway().clients(ids=[n.client_id for n in notes])}
    rows = [presenters.note_row(note, names.get(note.client_id, "")) for note in notes]
    drafting = sum(1 for note in notes if note.draft.status == "generating")
    return {"session": session, "rows": rows, "client_id": client_id, "drafting": drafting}
