"""SidebarConsumer: check access, route each message by its `action`, send HTML.

Messages are the JSON that htmx's ws extension sends from the sidebar's forms.
Drafting actions (DraftingActions) and chart Q&A actions (ChatActions) live in
their own modules; this class only guards the socket and dispatches. Work that
takes a while (a draft, an answer, indexing) runs in tasks held in `running`,
so a Cancel is read while it goes on; they are cancelled when the socket closes.

Access: the socket's URL names the client. The client must be on the user's
caseload when the socket opens (else it is refused before accept) and again for
every message (else the socket closes). Every message also needs the HTTP session
to be alive, and counts as activity: it extends the session like a page request.
A socket with no message for SESSION_COOKIE_AGE seconds is closed (idle timeout).
"""

from __future__ import annotations

import asyncio
from importlib import import_module

from asgiref.sync import sync_to_async
from auditlog.context import set_actor
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.template.loader import render_to_string
from django.utils.html import escape

from copilot.access.fetch import NotFound, client_for_user
from copilot.access.http import log_denial
from copilot.ehr import EhrError

from .chat import ChatActions
from .drafting import DraftingActions

IDLE_TASK = "idle"
CLOSE_NO_ACCESS = 4404
CLOSE_SIGNED_OUT = 4401
CLOSE_IDLE = 4408


class SidebarConsumer(DraftingActions, ChatActions, AsyncJsonWebsocketConsumer):
    """Websocket of one open sidebar, for one client on the user's caseload."""

    actions = DraftingActions.actions + ChatActions.actions

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.client_id = self.scope["url_route"]["kwargs"]["client_id"]
        self.running: dict[str, asyncio.Task] = {}
        try:
            allowed = await self.allowed("connect")
        except EhrError:
            allowed = False
        if not allowed:
            await self.close(code=CLOSE_NO_ACCESS)  # before accept: the handshake is refused
            return
        await self.accept()
        self.touch()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "idle_timer", None):
            self.idle_timer.cancel()
        for task in getattr(self, "running", {}).values():
            task.cancel()

    async def receive_json(self, content: dict, **kwargs) -> None:
        action = str(content.get("action", ""))
        if not await sync_to_async(_session_refreshed)(self.scope.get("session"), self.user):
            await self.send_notice("Your session has ended. Reload the page to sign in again.")
            return await self.close(code=CLOSE_SIGNED_OUT)
        try:
            allowed = await self.allowed(action if action in self.actions else "unknown")
        except EhrError as error:
            return await self.send_notice(f"{error.message} Try again in a moment.")
        if not allowed:
            return await self.close(code=CLOSE_NO_ACCESS)
        self.touch()
        with set_actor(self.user):  # django-auditlog names the clinician (no middleware here)
            if action in DraftingActions.actions:
                await self.on_drafting(action, content)
            elif action in ChatActions.actions:
                await self.on_chat(action, content)
            else:
                await self.send_notice(f"Unknown action {action[:40]!r}.")

    async def allowed(self, where: str) -> bool:
        """Whether this socket's client is (still) on the user's caseload; denials are
        logged. Raises EhrError when the EHR cannot tell."""
        try:
            await client_for_user(self.user, self.client_id)
        except NotFound as denial:
            user_id = getattr(self.user, "pk", None)
            log_denial(user_id=user_id, where=f"ws {where}", what=str(denial))
            return False
        return True

    def touch(self) -> None:
        """Note activity now: the idle timeout starts again."""
        if getattr(self, "idle_timer", None):
            self.idle_timer.cancel()
        self.idle_timer = asyncio.get_running_loop().call_later(
            settings.SESSION_COOKIE_AGE, self.on_idle
        )

    def on_idle(self) -> None:
        self.running[IDLE_TASK] = asyncio.create_task(self.close_idle())

    async def close_idle(self) -> None:
        await self.send_notice("Signed out after a while without activity. Reload to continue.")
        await self.close(code=CLOSE_IDLE)

    async def send_html(self, template: str, **context) -> None:
        """Render `template` ("file.html#partial") and send it for htmx to swap in."""
        html = await sync_to_async(render_to_string)(template, context)
        await self.send(text_data=html)

    async def send_notice(self, message: str) -> None:
        notice = f'<p id="draft-notice" class="alert" role="alert">{escape(message)}</p>'
        await self.send(text_data=notice)


def _session_refreshed(session, user) -> bool:
    """Whether the HTTP session behind the socket is still alive and still `user`'s;
    if so, save it again so its expiry moves on (the message counts as activity)."""
    if session is None or not session.session_key or user is None:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    if str(store.get(SESSION_KEY)) != str(user.pk):  # expired or ended sessions load empty
        return False
    store.save()
    return True
