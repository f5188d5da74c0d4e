"""The Treatment plan tab. Views translate: permission-checked fetch, one service, render.

- `plan_panel`: the client's active plan (overdue flag) and the signed-in clinician's
  latest review of it, or the Draft button.
- `plan_draft`: draft a review of every goal.
- `plan_goal`: accept, edit or reject one goal of a review.
- `plan_approve`: approve the review and write it to the EHR (once).
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from copilot.access.fetch import plan_review_for_user
from copilot.access.http import client_required, ehr_error_response
from copilot.drafting.engines import EngineError
from copilot.ehr import EhrError, get_gateway

from . import presenters, selectors, services

TEMPLATE = "copilot/plan.html"


async def _panel_context(user, client_id: str, *, review=None, error: str = "") -> dict:
    plan = await get_gateway().treatment_plan(client_id)
    if review is None:
        review = await sync_to_async(selectors.plan_review_latest)(author=user, client_id=client_id)
    view = await sync_to_async(presenters.review_view)(review, user) if review else None
    return {
        "client_id": client_id,
        "plan": plan,
        "overdue": presenters.overdue(plan, timezone.localdate()),
        "view": view,
        "error": error,
    }


def _render_panel(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = f"{TEMPLATE}#plan-panel" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


@login_required
@require_safe
@client_required
async def plan_panel(request: HttpRequest, client_id: str) -> HttpResponse:
    """The Treatment plan panel of the sidebar (the whole page without htmx)."""
    try:
        context = await _panel_context(await request.auser(), client_id)
    except EhrError as error:
        return ehr_error_response(error)
    return _render_panel(request, context)


@login_required
@require_POST
@client_required
async def plan_draft(request: HttpRequest, client_id: str) -> HttpResponse:
    """Draft a review of the client's active plan; a refusal is shown in the panel (400)."""
    user = await request.auser()
    try:
        review = await services.plan_review_draft(actor=user, client_id=client_id)
    except EhrError as error:
        return ehr_error_response(error)
    except (services.PlanError, EngineError) as error:
        context = await _panel_context(user, client_id, error=error.message)
        return _render_panel(request, context, status=400)
    if not request.htmx:
        return redirect("plan-panel", client_id=client_id)
    review = await sync_to_async(selectors.plan_review_latest)(author=user, client_id=client_id)
    return _render_panel(request, await _panel_context(user, client_id, review=review))


async def _review_response(
    request,
    user,
    review,
    *,
    error: str = "",
    status: int = 200,
    typed: dict | None = None,
    panel: bool = False,
) -> HttpResponse:
    """The review partial (htmx; with `panel`, the whole panel, whose plan line and overdue
    flag an approval changes), or the whole page; without htmx and without an error, back
    to the panel (post/redirect/get)."""
    review = await plan_review_for_user(user, review.client_id, str(review.id))  # fresh
    if request.htmx and panel:
        context = await _panel_context(user, review.client_id, review=review)
        context["view"] = await sync_to_async(presenters.review_view)(review, user, error=error)
        return render(request, f"{TEMPLATE}#plan-panel", context, status=status)
    if not request.htmx:
        if not error:
            return redirect("plan-panel", client_id=review.client_id)
        context = await _panel_context(user, review.client_id, review=review)
        context["view"] = await sync_to_async(presenters.review_view)(review, user, error=error)
        return render(request, TEMPLATE, {**context, "typed": typed}, status=status)
    view = await sync_to_async(presenters.review_view)(review, user, error=error)
    context = {"client_id": review.client_id, "view": view, "typed": typed}
    return render(request, f"{TEMPLATE}#review", context, status=status)


@login_required
@require_POST
@client_required
async def plan_goal(request: HttpRequest, client_id: str, review_id, goal_id: str) -> HttpResponse:
    """Decide one goal: `decision` accepted / edited / rejected; an edit posts `status`,
    `description` and `summary`. A refused decision keeps what was typed (400)."""
    user = await request.auser()
    review = await plan_review_for_user(user, client_id, str(review_id))
    post = request.POST
    try:
        await sync_to_async(services.plan_goal_decide)(
            actor=user,
            review=review,
            goal_id=goal_id,
            decision=post.get("decision", ""),
            status=post.get("status"),
            description=post.get("description"),
            summary=post.get("summary"),
        )
    except services.PlanError as error:
        typed = {key: post.get(key, "") for key in ("status", "description", "summary")}
        return await _review_response(
            request,
            user,
            review,
            error=error.message,
            status=400,
            typed={**typed, "goal_id": goal_id},
        )
    return await _review_response(request, user, review)


@login_required
@require_POST
@client_required
async def plan_approve(request: HttpRequest, client_id: str, review_id) -> HttpResponse:
    """Approve the review and write it to the EHR once (`idempotency_key`)."""
    user = await request.auser()
    review = await plan_review_for_user(user, client_id, str(review_id))
    try:
        await services.plan_review_approve_and_write(
            actor=user, review=review, idempotency_key=request.POST.get("idempotency_key", "")
        )
    except services.PlanError as error:
        return await _review_response(request, user, review, error=error.message, status=409)
    try:
        return await _review_response(request, user, review, panel=True)
    except EhrError as error:  # written, but the plan could not be read back
        return ehr_error_response(error)
