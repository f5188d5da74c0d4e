"""Sidebar pages. Views translate: read the request, call a service or the gateway, render.

Every view that shows a client, a draft or a chart entry gets it through a
permission-checked fetch (copilot.access): a denial is a plain 404."""

from __future__ import annotations

import re

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from copilot import health
from copilot.access.caseload import caseload_for
from copilot.access.fetch import document_for_user
from copilot.access.http import client_required, draft_required, ehr_error_response
from copilot.accounts.models import Clinician
from copilot.claims.models import ClaimRecord
from copilot.coding import services as coding
from copilot.ehr import ClientNotFound, EhrError, get_gateway
from copilot.kb.services import cited_section
from copilot.review import outbox, services
from copilot.review.models import Approval, Draft

from .outcomes import instrument_view
from .presenters import account_view, draft_view
from .sidebar import copilot_context
from .trend import trend_for

DRAFT_TEMPLATE = "copilot/draft.html"
CODING_TEMPLATE = "copilot/coding.html"
NOTE_REFERENCE = re.compile(r"DocumentReference/[A-Za-z0-9\-.]{1,64}")


def _status_for(error: EhrError) -> int:
    if isinstance(error, ClientNotFound):
        return 404
    return 503 if error.retryable else 502


@login_required
@require_safe
async def client_picker(request: HttpRequest) -> HttpResponse:
    """The clients on the signed-in user's caseload, each linking to its sidebar.
    Admins see none: they manage users and caseloads in the admin site."""
    user = await request.auser()
    context: dict = {"account": await sync_to_async(account_view)(user)}
    try:
        caseload = await caseload_for(user)
        clients = await get_gateway().clients(ids=caseload) if caseload else []
    except EhrError as error:
        context["error"] = error
        return render(request, "copilot/picker.html", context, status=_status_for(error))
    context.update(
        clients=clients,
        ehr_demo=settings.EHR_DEMO_PAGE,
        manages_users=await sync_to_async(_manages_users)(user),
    )
    return render(request, "copilot/picker.html", context)


@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    """`GET /healthz`, unauthenticated, for load balancers and monitoring: 200 with
    {"status": "ok", "checks": {name: {ok, detail, ms}}} when the database, Redis (if
    configured), Chroma and the EHR all answer, else 503 with "status": "unavailable"."""
    report = await health.run_checks()
    status = 200 if report.ok else 503
    return JsonResponse(report.as_dict(), status=status, headers={"Cache-Control": "no-store"})


def _manages_users(user) -> bool:
    clinician = getattr(user, "clinician", None)
    return user.is_staff or (clinician is not None and clinician.role == Clinician.Role.ADMIN)


@login_required
@require_safe
@client_required
async def ehr_demo(request: HttpRequest, client_id: str) -> HttpResponse:
    """Development only (EHR_DEMO_PAGE): a mock EHR page framing the sidebar."""
    if not settings.EHR_DEMO_PAGE:
        raise Http404("The EHR demo page is off.")
    return render(request, "copilot/ehr_demo.html", {"client_id": client_id})


@login_required
@require_safe
@client_required
async def sidebar(request: HttpRequest, client_id: str) -> HttpResponse:
    """The sidebar: the chart (fetched with htmx, with a loading state), the drafting
    panel and the chat."""
    user = await request.auser()
    context = {"client_id": client_id, **await sync_to_async(copilot_context)(user, client_id)}
    return render(request, "copilot/sidebar.html", context)


@login_required
@require_safe
@client_required
async def sidebar_chart(request: HttpRequest, client_id: str) -> HttpResponse:
    """The chart panel: the `chart` partial for htmx, the whole sidebar page otherwise."""
    template = "copilot/sidebar.html#chart" if request.htmx else "copilot/sidebar.html"
    context: dict = {"client_id": client_id, "loaded": True}
    if not request.htmx:
        user = await request.auser()
        context.update(await sync_to_async(copilot_context)(user, client_id))
    try:
        chart = await get_gateway().chart(client_id)
    except EhrError as error:
        context["error"] = error
        return render(request, template, context, status=_status_for(error))
    context.update(chart=chart, phq9_trend=trend_for(chart.phq9), gad7_trend=trend_for(chart.gad7))
    return render(request, template, context)


@login_required
@require_safe
@client_required
async def sidebar_measures(request: HttpRequest, client_id: str) -> HttpResponse:
    """The Measures tab's content (htmx): PHQ-9 and GAD-7 over time with response,
    remission and reliable change (copilot.measures.outcomes), each with its sources."""
    template = "copilot/measures.html#measures"
    try:
        chart = await get_gateway().chart(client_id)
    except EhrError as error:
        return render(request, template, {"error": error}, status=_status_for(error))
    instruments = [instrument_view(chart.phq9), instrument_view(chart.gad7)]
    return render(request, template, {"instruments": instruments})


@login_required
@require_safe
async def sidebar_source(request: HttpRequest, client_id: str) -> HttpResponse:
    """A note cited by a chat answer, opened at the excerpt: `?ref=DocumentReference/<id>
    &start=<int>&end=<int>` (character offsets into the note's text). 404 when the client
    is not on the user's caseload, the note is not in this client's chart, or it is
    42 CFR Part 2 information without consent."""
    reference = request.GET.get("ref", "")
    if not NOTE_REFERENCE.fullmatch(reference):
        raise Http404("No such note.")
    try:
        document = await document_for_user(await request.auser(), client_id, reference)
    except EhrError as error:
        return ehr_error_response(error)
    start, end = _span(request.GET, len(document.text))
    text = document.text
    context = {"document": document, "before": text[:start], "cited": text[start:end]}
    context["after"] = text[end:]
    return render(request, "copilot/chat.html#source", context)


@login_required
@require_safe
async def practice_section(request: HttpRequest) -> HttpResponse:
    """A section of the practice's own documents cited by an answer, opened at the
    excerpt: `?ref=kb:<file name>#<heading>&start=<int>&end=<int>` (offsets into the
    section's text). Any signed-in user may read them: they hold no client's data.
    404 when no loaded document has that section."""
    section = await sync_to_async(cited_section)(request.GET.get("ref", ""))
    if section is None:
        raise Http404("No such section.")
    text = section.text
    start, end = _span(request.GET, len(text))
    context = {
        "document": {"title": section.title, "date": None, "author": section.file_name},
        "before": text[:start],
        "cited": text[start:end],
        "after": text[end:],
    }
    return render(request, "copilot/chat.html#source", context)


def _span(query, length: int) -> tuple[int, int]:
    """[start, end) from the query, clamped to the text; an unreadable span marks nothing."""
    try:
        start, end = int(query.get("start", 0)), int(query.get("end", 0))
    except ValueError:
        return 0, 0
    start = min(max(start, 0), length)
    return start, min(max(end, start), length)


@login_required
@require_safe
@draft_required
async def draft_status(request: HttpRequest, draft: Draft) -> HttpResponse:
    """The draft's status, polled by htmx while a worker drafts it (a group note, a
    pre-draft), while the note waits for the EHR or for co-signature. A draft the
    worker finished, or a note returned by the supervisor, comes back as the whole
    draft panel (retargeted), open for review or revision."""
    view = await sync_to_async(draft_view)(draft)
    if view.approval is not None:
        return render(request, f"{DRAFT_TEMPLATE}#approval-status", {"view": view})
    if view.cosign_pending:
        return render(request, f"{DRAFT_TEMPLATE}#cosign-status", {"view": view})
    if view.generating and draft.in_background:
        return render(request, f"{DRAFT_TEMPLATE}#progress", {"view": view})
    if view.returned is None and not draft.in_background:
        raise Http404("This draft is not approved.")
    response = render(request, f"{DRAFT_TEMPLATE}#draft-panel", {"view": view})
    return reswap(retarget(response, "#draft-panel"), "outerHTML")


@login_required
@require_safe
@draft_required
async def draft_codes(request: HttpRequest, draft: Draft) -> HttpResponse:
    """Coding suggestions (CPT, ICD-10-CM) for the author's approved note, with their
    evidence; 409 before approval. Nothing is submitted anywhere."""
    template = f"{CODING_TEMPLATE}#codes"
    try:
        suggestions = await coding.codes_for_draft(actor=await request.auser(), draft=draft)
    except (coding.NotApproved, coding.NotCoded) as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    except EhrError as error:
        return render(request, template, {"error": error}, status=_status_for(error))
    claim = await ClaimRecord.objects.filter(draft=draft, use=ClaimRecord.Use.CLAIM).afirst()
    return render(request, template, {"codes": suggestions, "draft": draft, "claim": claim})


@login_required
@require_POST
@draft_required
async def draft_approve(request: HttpRequest, draft: Draft) -> HttpResponse:
    """Approve over HTTP (the form works without JavaScript); same rules as the websocket."""
    user = await request.auser()
    try:
        approval = await sync_to_async(services.draft_approve)(
            actor=user, draft=draft, idempotency_key=request.POST.get("idempotency_key", "")
        )
    except services.ReviewError as error:
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    if isinstance(approval, Approval):  # else sent for co-signature: nothing for the EHR yet
        write_back = await sync_to_async(lambda: approval.write_back)()
        await outbox.deliver(write_back.pk)
    if request.htmx:
        view = await sync_to_async(draft_view)(draft)
        partial = "approval-status" if view.approval else "cosign-status"
        return render(request, f"{DRAFT_TEMPLATE}#{partial}", {"view": view})
    return redirect("sidebar", client_id=draft.client_id)
