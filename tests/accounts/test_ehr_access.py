"""The gateway's EHR and token: the settings' by default, a SMART launch's in its
session, over HTTP (Django middleware) and websockets (Channels middleware)."""

from __future__ import annotations

import time

from channels.testing import WebsocketCommunicator

from copilot.accounts.middleware import SmartEhrAccessMiddleware
from copilot.accounts.smart import SESSION_LAUNCH, ehr_access_for
from copilot.ehr import get_gateway
from copilot.ehr.access import EhrAccess, current_ehr_access, ehr_access

LAUNCH = {
    "iss": "http://ehr.example/fhir/R4",
    "access_token": "tok",
    "expires_at": time.time() + 600,
    "patient": "bh-001",
    "encounter": None,
    "scope": "launch patient/*.read",
}


def test_the_gateway_uses_the_settings_outside_a_launch(settings):
    settings.FHIR_BASE_URL, settings.FHIR_BEARER_TOKEN = "http://a.example/fhir", "static"

    gateway = get_gateway()

    assert gateway.base_url == "http://a.example/fhir"
    assert gateway._client.authorization == "Bearer static"


def test_the_gateway_uses_the_launch_inside_one(settings):
    settings.FHIR_BEARER_TOKEN = "static"

    with ehr_access(EhrAccess("http://ehr.example/fhir/R4", "tok")):
        gateway = get_gateway()

    assert gateway.base_url == "http://ehr.example/fhir/R4"
    assert gateway._client.authorization == "Bearer tok"
    assert current_ehr_access() is None


def test_an_expired_launch_token_is_not_used():
    assert ehr_access_for({**LAUNCH, "expires_at": time.time() - 1}) is None
    assert ehr_access_for(None) is None
    assert ehr_access_for(LAUNCH) == EhrAccess(LAUNCH["iss"], "tok")


async def test_a_websocket_of_a_launched_session_uses_its_token():
    seen = []

    async def app(scope, receive, send):
        seen.append(current_ehr_access())
        await send({"type": "websocket.close"})

    class Session(dict):
        pass

    inner = SmartEhrAccessMiddleware(app)

    async def with_session(scope, receive, send):
        return await inner({**scope, "session": Session({SESSION_LAUNCH: LAUNCH})}, receive, send)

    communicator = WebsocketCommunicator(with_session, "/ws/sidebar/bh-001/")
    await communicator.connect()
    await communicator.disconnect()

    assert seen == [EhrAccess(LAUNCH["iss"], "tok")]
