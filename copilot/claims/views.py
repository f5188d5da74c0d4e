"""Claim pages. Views translate: a permission-checked fetch, one service, a render.

- `draft_claim`: draft (or show) the claim of the author's approved note, scrubbed.
- `claim_approve`: approve it and write it to the EHR now (or leave it waiting).
- `claim_status`: the claim as it stands (polled while it waits for the EHR).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from copilot.access.fetch import claim_for_user
from copilot.access.http import draft_required, ehr_error_response
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
