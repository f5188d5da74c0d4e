"""Claim pages. Views translate: a permission-checked fetch, one service, a render.

- `draft_claim`: draft (or show) the claim of the author's approved note, scrubbed.
- `claim_approve`: approve it and write it to the EHR now (or leave it waiting).
- `claim_status`: the claim as it stands (polled while it waits for the EHR).
- `priorauth`: the prior-authorization form for a client, and the drafted request
  (the narrative with every sentence's sources) to review and approve.
- `claim_letter`: a drafted prior-authorization request as a printable letter.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copilot.access.fetch import claim_for_user
from copilot.access.http import client_required, draft_required, ehr_error_response
from copilot.ehr import EhrError
from copilot.review.models import Draft

from . import services

TEMPLATE = "copilot/claims.html"


@login_required
@require_POST
@draft_required
async def draft_claim(request: HttpRequest, draft: Draft) -> HttpResponse:
    """The approved note's claim with its scrubbing findings."""
    try:
        claim = await services.claim_for_draft(actor=await request.auser(), draft=draft)
    except services.ClaimError as error:
        return render(request, f"{TEMPLATE}#refused", {"error": error.message}, status=409)
    except EhrError as error:
        return ehr_error_response(error)
    return render(request, f"{TEMPLATE}#claim", {"claim": claim})


@login_required
@require_POST
async def claim_approve(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    """Approve (`idempotency_key`) and write; a scrubbing error refuses it (409)."""
    user = await request.auser()
    claim = await claim_for_user(user, claim_id)
    key = request.POST.get("idempotency_key", "") or f"approve-{claim.id}"
    try:
        claim = await services.claim_approve_async(actor=user, claim=claim, idempotency_key=key)
    except services.ClaimError as error:
        context = {"claim": claim, "error": error.message}
        return render(request, f"{TEMPLATE}#claim", context, status=409)
    claim = await services.deliver(claim.pk)
    return render(request, f"{TEMPLATE}#claim", {"claim": claim})


@login_required
@require_safe
async def claim_status(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = await claim_for_user(await request.auser(), claim_id)
    return render(request, f"{TEMPLATE}#claim", {"claim": claim})


PRIORAUTH_DEFAULTS = {
    "kind": "continued-outpatient",
    "code": "90834",
    "sessions": "12",
    "weeks": "12",
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@client_required
async def priorauth(request: HttpRequest, client_id: str) -> HttpResponse:
    """GET: the form (kind, code, units, weeks, start). POST: draft the request; a
    refused one comes back with what was typed and the reason (400)."""
    form = {**PRIORAUTH_DEFAULTS, "start": timezone.localdate().isoformat()}
    if request.method == "POST":
        form = {key: request.POST.get(key, value) for key, value in form.items()}
        try:
            claim = await services.priorauth_draft(
                actor=await request.auser(),
                client_id=client_id,
                kind=form["kind"],
                code=form["code"],
                sessions=int(form["sessions"]),
                weeks=int(form["weeks"]),
                start=date.fromisoformat(form["start"]),
            )
        except (ValueError, services.ClaimError) as error:
            message = getattr(
                error, "message", "Units and weeks are whole numbers; the start is a date."
            )
            context = {"client_id": client_id, "form": form, "error": message}
            return render(request, TEMPLATE, context, status=400)
        except EhrError as error:
            return ehr_error_response(error)
        return render(request, TEMPLATE, {"client_id": client_id, "claim": claim})
    return render(request, TEMPLATE, {"client_id": client_id, "form": form})


@login_required
@require_safe
async def claim_letter(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    """The prior-authorization request as a letter to print (or save as PDF)."""
    user = await request.auser()
    claim = await claim_for_user(user, claim_id)
    return render(request, TEMPLATE, {"claim": claim, "letter": True})
