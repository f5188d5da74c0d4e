"""SidebarConsumer: authenticate, route each message by its `action`, send HTML.

Messages are the JSON that htmx's ws extension sends from the sidebar's forms.
Drafting actions (DraftingActions) and chart Q&A actions (ChatActions) live in
their own modules; this class only accepts the socket and dispatches. Work that
takes a while (a draft, an answer, indexing) runs in tasks held in `running`,
so a Cancel is read while it goes on; they are cancelled when the socket closes.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from auditlog.context import set_actor
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.template.loader import render_to_string
from django.utils.html import escape

from .chat import ChatActions
from .drafting import DraftingActions


class SidebarConsumer(DraftingActions, ChatActions, AsyncJsonWebsocketConsumer):
    """Websocket of one open sidebar; only signed-in clinicians are accepted."""

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.client_id = self.scope["url_route"]["kwargs"]["client_id"]
        self.running: dict[str, asyncio.Task] = {}
        if not await sync_to_async(_is_clinician)(self.user):
            await self.close(code=4403)
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for task in getattr(self, "running", {}).values():
            task.cancel()

    async def receive_json(self, content: dict, **kwargs) -> None:
        action = str(content.get("action", ""))
        with set_actor(self.user):  # django-auditlog names the clinician (no middleware here)
            if action in DraftingActions.actions:
                await self.on_drafting(action, content)
            elif action in ChatActions.actions:
                await self.on_chat(action, content)
            else:
                await self.send_notice(f"Unknown action {action!r}.")

    async def send_html(self, template: str, **context) -> None:
        """Render `template` ("file.html#partial") and send it for htmx to swap in."""
        html = await sync_to_async(render_to_string)(template, context)
        await self.send(text_data=html)

    async def send_notice(self, message: str) -> None:
        notice = f'<p id="draft-notice" class="alert" role="alert">{escape(message)}</p>'
        await self.send(text_data=notice)


def _is_clinician(user) -> bool:
    return bool(user and user.is_authenticated and hasattr(user, "clinician"))
