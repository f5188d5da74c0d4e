"""The supervisor's co-signature queue: pending notes and treatment-plan reviews of their
supervisees; one note's review (final text per section with its difference from the AI
draft) or one plan review's (each goal as decided, against the AI's draft), co-sign and
return. Views translate; copilot.review.cosign and copilot.plans.cosign decide who may
do what."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from copilot.access.http import cosign_request_required, plan_cosign_request_required
from copilot.drafting.templates import all_templates
from copilot.ehr import EhrError, get_gateway
from copilot.plans import cosign as plan_cosign
from copilot.plans import presenters as plan_presenters
from copilot.plans import selectors as plan_selectors
from copilot.plans.errors import PlanError
from copilot.plans.models import PlanCosignRequest
from copilot.plans.services import plan_approval_deliver
from copilot.review import cosign, outbox, selectors
from copilot.review.diff import DiffSegment, word_diff
from copilot.review.errors import ReviewError
from copilot.review.models import CosignRequest, Draft, DraftSection

from .presenters import FlagView, account_view, flag_view

QUEUE_TEMPLATE = "copilot/queue.html"
REVIEW_TEMPLATE = "copilot/queue_review.html"
PLAN_REVIEW_TEMPLATE = "copilot/queue_plan_review.html"


@dataclass(frozen=True)
class QueueRow:
    """One pending note: `flags` are the labels of its positive risk flags."""

    request: CosignRequest
    draft: Draft
    client_name: str
    clinician: str
    template_name: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QueueView:
    rows: tuple[QueueRow, ...]
    plans: tuple[plan_presenters.PlanQueueRow, ...] = ()

    @property
    def flagged(self) -> int:
        return sum(bool(row.flags) for row in self.rows)

    @property
    def by_clinician(self) -> list[tuple[str, int]]:
        return sorted(Counter(row.clinician for row in self.rows).items())


@dataclass(frozen=True)
class SectionDiff:
    """A section as the supervisor reviews it: the final text as segments against the
    AI text; a rejected section is all `delete` (left out of the note)."""

    title: str
    decision_label: str
    included: bool
    segments: tuple[DiffSegment, ...]

    @property
    def changed(self) -> bool:
        return any(s.op != "equal" for s in self.segments)


@dataclass(frozen=True)
class ReviewView:
    request: CosignRequest
    client_name: str
    clinician: str
    template_name: str
    sections: tuple[SectionDiff, ...]
    flags: tuple[FlagView, ...]
    earlier: tuple[CosignRequest, ...]  # earlier submissions of the draft (returned)

    @property
    def draft(self) -> Draft:
        return self.request.draft


def _template_name(draft: Draft) -> str:
    template = all_templates().get(draft.template_key)
    return template.name if template else draft.template_key.upper()


def _flag_labels(draft: Draft) -> tuple[str, ...]:
    flags = (flag_view(f, draft.input_text) for f in draft.risk_flags.all())
    return tuple(f.label for f in flags if not f.negated)


def client_label(client_id: str, names: dict[str, str]) -> str:
    """The client's name, or its FHIR reference when the EHR could not be read."""
    return names.get(client_id) or f"Patient/{client_id}"


async def client_names(client_ids: set[str]) -> dict[str, str]:
    """{Patient id: name} from the EHR; empty when it cannot be read (the pages then
    show FHIR references instead of names)."""
    if not client_ids:
        return {}
    try:
        return {c.id: c.name for c in await get_gateway().clients(ids=client_ids)}
    except EhrError:
        return {}


def queue_view(requests, names: dict[str, str], plan_requests=()) -> QueueView:
    """The queue page's rows from selectors.cosign_queue and, for plan reviews,
    plan_selectors.plan_cosign_queue; `names` from client_names."""
    plans = tuple(
        plan_presenters.plan_queue_row(r, client_label(r.review.client_id, names))
        for r in plan_requests
    )
    return QueueView(
        tuple(
            QueueRow(
                request=r,
                draft=r.draft,
                client_name=client_label(r.draft.client_id, names),
                clinician=r.draft.author.clinician.display_name,
                template_name=_template_name(r.draft),
                flags=_flag_labels(r.draft),
            )
            for r in requests
        ),
        plans,
    )


def section_diff(section: DraftSection) -> SectionDiff:
    included = selectors.section_included(section)
    segments = (
        word_diff(section.ai_text, section.final_text)
        if included
        else (DiffSegment("delete", section.ai_text),)
    )
    return SectionDiff(section.title, section.get_decision_display(), included, segments)


def review_view(request: CosignRequest, names: dict[str, str]) -> ReviewView:
    """Everything the review page shows for one co-signature request."""
    draft = request.draft
    earlier = draft.cosign_requests.filter(pk__lt=request.pk).select_related(
        "decided_by__clinician"
    )
    return ReviewView(
        request=request,
        client_name=client_label(draft.client_id, names),
        clinician=draft.author.clinician.display_name,
        template_name=_template_name(draft),
        sections=tuple(section_diff(s) for s in draft.sections.all()),
        flags=tuple(flag_view(f, draft.input_text) for f in draft.risk_flags.all()),
        earlier=tuple(earlier),
    )


async def _decision(
    request: HttpRequest, cosign_request: CosignRequest, *, status: int = 200, **extra
) -> HttpResponse:
    """The review page, or its `decision` partial for htmx, read fresh (the request was
    permission-checked by the view's decorator)."""
    user = await request.auser()
    names = await client_names({cosign_request.draft.client_id})
    return await sync_to_async(_render_decision)(
        request, user, cosign_request, names, status, extra
    )


def _render_decision(request, user, cosign_request, names, status, extra) -> HttpResponse:
    fresh = selectors.cosign_request_get_for_supervisor(user, str(cosign_request.draft_id))
    template = f"{REVIEW_TEMPLATE}#decision" if request.htmx else REVIEW_TEMPLATE
    context = {"view": review_view(fresh, names), "account": account_view(user), **extra}
    return render(request, template, context, status=status)


@login_required
@require_safe
async def cosign_queue(request: HttpRequest) -> HttpResponse:
    """The pending notes and plan reviews of the signed-in supervisor's supervisees,
    oldest first."""
    user = await request.auser()
    requests = await sync_to_async(lambda: list(selectors.cosign_queue(user)))()
    plans = await sync_to_async(lambda: list(plan_selectors.plan_cosign_queue(user)))()
    ids = {r.draft.client_id for r in requests} | {r.review.client_id for r in plans}
    names = await client_names(ids)
    view = await sync_to_async(queue_view)(requests, names, plans)
    account = await sync_to_async(account_view)(user)
    return render(request, QUEUE_TEMPLATE, {"queue": view, "account": account})


@login_required
@require_safe
@cosign_request_required
async def cosign_review(request: HttpRequest, cosign_request: CosignRequest) -> HttpResponse:
    """One note: final text per section against the AI draft, flags, co-sign and return.
    404 unless the signed-in user supervises the note's author."""
    return await _decision(request, cosign_request)


@login_required
@require_POST
@cosign_request_required
async def cosign_sign(request: HttpRequest, cosign_request: CosignRequest) -> HttpResponse:
    """Co-sign, then try to write the note to the EHR at once (the outbox retries)."""
    user = await request.auser()
    try:
        approval = await sync_to_async(cosign.draft_cosign)(actor=user, draft=cosign_request.draft)
    except ReviewError as error:
        return await _decision(request, cosign_request, status=409, error=error.message)
    await outbox.deliver(await sync_to_async(lambda: approval.write_back.pk)())
    if request.htmx:
        return await _decision(request, cosign_request)
    return redirect("cosign-review", draft_id=cosign_request.draft_id)


@login_required
@require_POST
@cosign_request_required
async def cosign_return(request: HttpRequest, cosign_request: CosignRequest) -> HttpResponse:
    """Return the note to its author with the required comment (kept on error)."""
    user = await request.auser()
    comment = request.POST.get("comment", "")
    try:
        await sync_to_async(cosign.draft_return)(
            actor=user, draft=cosign_request.draft, comment=comment
        )
    except ReviewError as error:
        return await _decision(
            request, cosign_request, status=400, error=error.message, comment=comment
        )
    if request.htmx:
        return await _decision(request, cosign_request)
    return redirect("cosign-queue")


# --- treatment-plan reviews ------------------------------------------------------------


async def _plan_decision(
    request: HttpRequest, cosign_request: PlanCosignRequest, *, status: int = 200, **extra
) -> HttpResponse:
    """The plan review page, or its `decision` partial for htmx, read fresh (the request
    was permission-checked by the view's decorator)."""
    user = await request.auser()
    names = await client_names({cosign_request.review.client_id})
    return await sync_to_async(_render_plan_decision)(
        request, user, cosign_request, names, status, extra
    )


def _render_plan_decision(request, user, cosign_request, names, status, extra) -> HttpResponse:
    fresh = plan_selectors.plan_cosign_request_get_for_supervisor(user, str(cosign_request.pk))
    label = client_label(fresh.review.client_id, names)
    template = f"{PLAN_REVIEW_TEMPLATE}#decision" if request.htmx else PLAN_REVIEW_TEMPLATE
    view = plan_presenters.plan_cosign_view(fresh, label)
    context = {"view": view, "account": account_view(user), **extra}
    return render(request, template, context, status=status)


@login_required
@require_safe
@plan_cosign_request_required
async def plan_cosign_review(request: HttpRequest, cosign_request: PlanCosignRequest):
    """One plan review: each goal as decided against the AI's draft, co-sign and return.
    404 unless the signed-in user supervises the clinician who sent it."""
    return await _plan_decision(request, cosign_request)


@login_required
@require_POST
@plan_cosign_request_required
async def plan_cosign_sign(request: HttpRequest, cosign_request: PlanCosignRequest):
    """Co-sign, then write the review to the EHR at once (the outbox worker retries)."""
    user = await request.auser()
    try:
        approval = await sync_to_async(plan_cosign.plan_review_cosign)(
            actor=user, request=cosign_request
        )
    except PlanError as error:
        return await _plan_decision(request, cosign_request, status=409, error=error.message)
    await plan_approval_deliver(approval.pk)
    if request.htmx:
        return await _plan_decision(request, cosign_request)
    return redirect("plan-cosign-review", request_id=cosign_request.pk)


@login_required
@require_POST
@plan_cosign_request_required
async def plan_cosign_return(request: HttpRequest, cosign_request: PlanCosignRequest):
    """Return the review to its clinician with the required comment (kept on error)."""
    user = await request.auser()
    comment = request.POST.get("comment", "")
    try:
        await sync_to_async(plan_cosign.plan_review_return)(
            actor=user, request=cosign_request, comment=comment
        )
    except PlanError as error:
        return await _plan_decision(
            request, cosign_request, status=400, error=error.message, comment=comment
        )
    if request.htmx:
        return await _plan_decision(request, cosign_request)
    return redirect("cosign-queue")
