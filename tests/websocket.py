"""Open the sidebar's websocket as a browser would: through the whole ASGI stack
(Origin check, session cookie, AuthMiddleware), signed in as a user."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

OWN_ORIGIN = "http://testserver"


def session_cookie(user) -> str:
    """A real session for `user` (as after sign-in), as its cookie's value."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def sidebar_socket(
    user, client_id: str = "bh-001", *, origin: str | None = OWN_ORIGIN
) -> WebsocketCommunicator:
    """A communicator for /ws/sidebar/<client_id>/ (not yet connected); `user` None
    sends no session cookie, `origin` None no Origin header."""
    from config.asgi import application

    headers = []
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(application, f"/ws/sidebar/{client_id}/", headers=headers)
