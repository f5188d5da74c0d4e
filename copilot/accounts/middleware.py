"""Use a SMART-launched session's EHR and access token for that session's EHR calls.

`smart_ehr_access` (Django, HTTP) and `SmartEhrAccessMiddleware` (Channels,
websockets) read the session's completed launch and hold its `EhrAccess` for the
length of the request or connection; `copilot.ehr.get_gateway()` picks it up.
Sessions without a launch (or whose token expired) use the settings' EHR and token.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.utils.decorators import sync_and_async_middleware

from copilot.ehr.access import ehr_access

from .smart import SESSION_LAUNCH, ehr_access_for


@sync_and_async_middleware
def smart_ehr_access(get_response):
    """Django middleware; place it after SessionMiddleware."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            with ehr_access(ehr_access_for(await request.session.aget(SESSION_LAUNCH))):
                return await get_response(request)

    else:

        def middleware(request):
            with ehr_access(ehr_access_for(request.session.get(SESSION_LAUNCH))):
                return get_response(request)

    return middleware


class SmartEhrAccessMiddleware(BaseMiddleware):
    """Channels middleware; wrap it inside AuthMiddlewareStack (it needs the session)."""

    async def __call__(self, scope, receive, send):
        session = scope.get("session")
        launched = await database_sync_to_async(session.get)(SESSION_LAUNCH) if session else None
        with ehr_access(ehr_access_for(launched)):
            return await super().__call__(scope, receive, send)
