"""Sidebar pages. Views translate: read the request, call the gateway, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from copilot.ehr import ClientNotFound, EhrError, get_gateway

from .trend import trend_for


def _status_for(error: EhrError) -> int:
    if isinstance(error, ClientNotFound):
        return 404
    return 503 if error.retryable else 502


async def client_picker(request: HttpRequest) -> HttpResponse:
    """Every client the EHR lists, each linking to its sidebar (demo and development)."""
    try:
        clients = await get_gateway().clients()
    except EhrError as error:
        return render(request, "copilot/picker.html", {"error": error}, status=_status_for(error))
    return render(request, "copilot/picker.html", {"clients": clients})


def sidebar(request: HttpRequest, client_id: str) -> HttpResponse:
    """The sidebar shell: shows a loading state and fetches the chart with htmx."""
    return render(request, "copilot/sidebar.html", {"client_id": client_id})


async def sidebar_chart(request: HttpRequest, client_id: str) -> HttpResponse:
    """The chart panel: the `chart` partial for htmx, the whole sidebar page otherwise."""
    template = "copilot/sidebar.html#chart" if request.htmx else "copilot/sidebar.html"
    context: dict = {"client_id": client_id, "loaded": True}
    try:
        chart = await get_gateway().chart(client_id)
    except EhrError as error:
        context["error"] = error
        return render(request, template, context, status=_status_for(error))
    context.update(chart=chart, phq9_trend=trend_for(chart.phq9), gad7_trend=trend_for(chart.gad7))
    return render(request, template, context)
