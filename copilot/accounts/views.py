"""Sign-in pages and the SMART launch endpoints. Views translate; oidc.py and smart.py decide."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import smart

PROBLEM_TEMPLATE = "registration/signin_problem.html"


@require_safe
def login(request: HttpRequest) -> HttpResponse:
    """Clinicians sign in at the OpenID provider: straight there, keeping `next`."""
    target = reverse("oidc_authentication_init")
    next_url = request.GET.get("next")
    return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)


@require_safe
def login_failed(request: HttpRequest) -> HttpResponse:
    """Where a refused or failed sign-in ends (LOGIN_REDIRECT_URL_FAILURE)."""
    message = "Sign-in did not complete. Please try again, or ask your administrator."
    return render(request, PROBLEM_TEMPLATE, {"message": message, "retry": reverse("login")})


@login_required
@require_safe
def smart_launch(request: HttpRequest) -> HttpResponse:
    """SMART EHR launch: `?iss=<FHIR base>&launch=<id>` → the EHR's authorization endpoint."""
    try:
        url = smart.launch_begin(
            session=request.session,
            iss=request.GET.get("iss", ""),
            launch=request.GET.get("launch", ""),
            redirect_uri=request.build_absolute_uri(reverse("smart-callback")),
        )
    except smart.SmartLaunchError as error:
        return _problem(request, error)
    return redirect(url)


@login_required
@require_safe
def smart_callback(request: HttpRequest) -> HttpResponse:
    """The EHR's answer: exchange the code, then open the sidebar for the launch's patient."""
    if "error" in request.GET or not request.GET.get("code"):
        error = smart.SmartLaunchError("The EHR did not authorize the launch.")
        return _problem(request, error)
    try:
        launched = smart.launch_complete(
            session=request.session,
            state=request.GET.get("state", ""),
            code=request.GET["code"],
        )
    except smart.SmartLaunchError as error:
        return _problem(request, error)
    return redirect("sidebar", client_id=launched.patient)


def _problem(request: HttpRequest, error: smart.SmartLaunchError) -> HttpResponse:
    context = {"message": str(error), "retry": None}
    return render(request, PROBLEM_TEMPLATE, context, status=error.status)
