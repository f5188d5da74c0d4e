"""Access checks for HTTP views: decorators that run the permission-checked fetch
before the view, and the middleware that logs every denial."""

from __future__ import annotations

import logging
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

from copilot.ehr import EhrError

from .fetch import (
    NotFound,
    client_for_user,
    cosign_request_for_user,
    draft_for_user,
    plan_cosign_request_for_user,
)

logger = logging.getLogger("copilot.access")


def ehr_error_response(error: EhrError) -> HttpResponse:
    """What a user sees when the EHR cannot say whose caseload a client is on."""
    message = f"{error.message} Try again in a moment." if error.retryable else error.message
    status = 503 if error.retryable else 502
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def client_required(view):
    """For async views taking `client_id`: 404 (NotFound) unless the client is on the
    signed-in user's caseload; 503 when the EHR cannot tell. Put `login_required` and
    the method check outside it, so anonymous users are sent to sign in."""

    @wraps(view)
    async def checked(request: HttpRequest, client_id: str, *args, **kwargs) -> HttpResponse:
        try:
            await client_for_user(await request.auser(), client_id)
        except EhrError as error:
            return ehr_error_response(error)
        return await view(request, client_id, *args, **kwargs)

    return checked


def fetched_by(fetch, kwarg: str = "draft_id"):
    """A decorator for async views taking the URL argument `kwarg` (an object id): calls
    `view(request, obj)` with `obj = await fetch(user, id)`, a permission-checked fetch
    that raises NotFound (→ 404) or EhrError (→ 503/502 when the EHR cannot tell)."""

    def decorator(view):
        @wraps(view)
        async def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            object_id = str(kwargs.pop(kwarg))  # Django passes named URL groups by name
            try:
                fetched = await fetch(await request.auser(), object_id)
            except EhrError as error:
                return ehr_error_response(error)
            return await view(request, fetched, *args, **kwargs)

        return checked

    return decorator


# `view(request, draft)`: the user's own draft (copilot.access.draft_for_user).
draft_required = fetched_by(draft_for_user)
# `view(request, cosign_request)`: the latest co-signature request of a draft whose
# author the user supervises (copilot.access.cosign_request_for_user).
cosign_request_required = fetched_by(cosign_request_for_user)
# `view(request, plan_cosign_request)`: a co-signature request of a plan review whose
# author the user supervises (copilot.access.plan_cosign_request_for_user).
plan_cosign_request_required = fetched_by(plan_cosign_request_for_user, "request_id")


def log_denial(*, user_id, where: str, what: str) -> None:
    """One log line per denied access: who (user id), where (route or socket action) and
    which kind of object. Never the object's id or anything from the chart."""
    logger.warning("access denied: user=%s where=%s object=%s", user_id, where, what)


class AccessDenialLogMiddleware(MiddlewareMixin):
    """Logs each NotFound raised by a permission-checked fetch (Django then answers with
    the plain 404 page, the same as for an address that does not exist)."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            match = request.resolver_match
            where = f"{request.method} {match.view_name if match else '?'}"
            user = getattr(request, "user", None)
            log_denial(user_id=getattr(user, "pk", None), where=where, what=str(exception))
        return None
