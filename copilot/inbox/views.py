"""Inbox pages. Views translate: a permission-checked fetch, one service, a render.

- `inbox_page`: the clinician's whole caseload inbox (and, for supervisors, the
  urgent messages escalated to them); `inbox_panel`: one client's messages, the
  sidebar's Inbox tab (htmx).
- `message_acknowledge`, `message_reply`: act on one message addressed to the user.
- `outgoing_decide`, `outgoing_approve`, `outgoing_status`: a drafted message of the
  user's (a reply or outreach): accept / edit / reject, approve and send, poll.
"""

from __future__ import annotations

import uuid

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from copilot.access.fetch import message_for_user, outgoing_for_user
from copilot.access.http import client_required, ehr_error_response
from copilot.ehr import EhrError
from copilot.web.presenters import account_view

from . import services

TEMPLATE = "copilot/inbox.html"


@login_required
@require_safe
async def inbox_page(request: HttpRequest) -> HttpResponse:
    """Every message from the clinician's caseload, sorted, urgent first."""
    user = await request.auser()
    context = {"account": await sync_to_async(account_view)(user)}
    try:
        context["inbox"] = await services.inbox_for(user)
    except services.InboxError as error:
        context["error"] = error.message
    except EhrError as error:
        return ehr_error_response(error)
    return render(request, TEMPLATE, context)


@login_required
@require_safe
@client_required
async def inbox_panel(request: HttpRequest, client_id: str) -> HttpResponse:
    """The sidebar's Inbox tab: this client's messages to the clinician, and outreach."""
    user = await request.auser()
    try:
        inbox = await services.inbox_for(user, client_id=client_id)
    except services.InboxError as error:
        return render(
            request, f"{TEMPLATE}#panel", {"error": error.message, "client_id": client_id}
        )
    except EhrError as error:
        return ehr_error_response(error)
    return render(request, f"{TEMPLATE}#panel", {"inbox": inbox, "client_id": client_id})


@login_required
@require_POST
async def message_acknowledge(request: HttpRequest, communication_id: str) -> HttpResponse:
    """Acknowledge an urgent message (audited); answers with its updated actions."""
    user = await request.auser()
    try:
        row = await message_for_user(user, communication_id)
        row = await sync_to_async(services.acknowledge)(actor=user, triage_row=row)
    except services.InboxError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    except EhrError as error:
        return ehr_error_response(error)
    return render(request, f"{TEMPLATE}#urgent-actions", {"triage": row})


@login_required
@require_POST
async def message_reply(request: HttpRequest, communication_id: str) -> HttpResponse:
    """Draft the reply to a message from the practice's template."""
    try:
        row = await message_for_user(await request.auser(), communication_id)
        reply = await services.reply_draft(actor=await request.auser(), triage_row=row)
    except services.InboxError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    except EhrError as error:
        return ehr_error_response(error)
    return render(request, f"{TEMPLATE}#outgoing", {"outgoing": reply})


@login_required
@require_POST
async def outgoing_decide(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    """Accept, edit (`text`) or reject a drafted message (`decision`). A refused edit
    comes back with the typed text kept and the reason."""
    message = await outgoing_for_user(await request.auser(), message_id)
    decision, text = request.POST.get("decision", ""), request.POST.get("text", "")
    try:
        message = await sync_to_async(services.decide)(
            actor=await request.auser(), message=message, decision=decision, text=text
        )
    except services.InboxError as error:
        context = {"outgoing": message, "error": error.message, "typed": text}
        return render(request, f"{TEMPLATE}#outgoing", context, status=400)
    return render(request, f"{TEMPLATE}#outgoing", {"outgoing": message})


@login_required
@require_POST
async def outgoing_approve(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    """Approve a decided message (`idempotency_key`) and send it to the EHR now; if the
    EHR is down it waits in the outbox and the answer polls its status."""
    message = await outgoing_for_user(await request.auser(), message_id)
    key = request.POST.get("idempotency_key", "") or f"approve-{message.id}"
    try:
        message = await sync_to_async(services.approve)(
            actor=await request.auser(), message=message, idempotency_key=key
        )
    except services.InboxError as error:
        context = {"outgoing": message, "error": error.message}
        return render(request, f"{TEMPLATE}#outgoing", context, status=400)
    message = await services.deliver(message.pk)
    return render(request, f"{TEMPLATE}#outgoing", {"outgoing": message})


@login_required
@require_safe
async def outgoing_status(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    """A drafted message as it stands (polled while it waits for the EHR)."""
    message = await outgoing_for_user(await request.auser(), message_id)
    return render(request, f"{TEMPLATE}#outgoing", {"outgoing": message})
