"""The idle timeout: a session ends after SESSION_IDLE_MINUTES without a request or a
websocket message; requests and messages move it on; idle sockets are closed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.websocket import sidebar_socket

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent.parent


def idle_settings(**env: str) -> str:
    script = (
        "import config.settings.base as s; "
        "print(s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_sessions_last_fifteen_idle_minutes_unless_configured():
    assert idle_settings() == "900 True"
    assert idle_settings(SESSION_IDLE_MINUTES="5") == "300 True"


@sync_to_async
def expire_in(seconds: float) -> None:
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=seconds))


@sync_to_async
def expiry():
    return Session.objects.get().expire_date


def test_a_request_moves_the_expiry_on_and_an_idle_session_is_over(clinician, ehr):
    client = Client()
    client.force_login(clinician)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("client-picker")).status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=14)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("sidebar", args=["bh-001"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


async def test_a_socket_message_counts_as_activity(clinician, ehr):
    communicator = await sidebar_socket(clinician)
    assert (await communicator.connect())[0]
    await expire_in(60)
    await communicator.send_json_to({"action": "compose", "template": "soap", "text": "x"})
    await communicator.send_json_to({"action": "marker"})
    assert "Unknown action" in await communicator.receive_from(timeout=30)
    assert await expiry() > timezone.now() + timedelta(minutes=14)
    await communicator.disconnect()


async def test_a_socket_idle_for_the_timeout_is_closed(clinician, ehr, settings):
    communicator = await sidebar_socket(clinician)
    settings.SESSION_COOKIE_AGE = 1  # after sign-in: the session itself is still alive
    assert (await communicator.connect())[0]
    notice = await communicator.receive_from(timeout=30)
    assert "Signed out after a while without activity" in notice
    assert await communicator.receive_output(timeout=30) == {
        "type": "websocket.close",
        "code": 4408,
    }


async def test_a_message_after_the_session_ended_is_refused_and_closes_the_socket(clinician, ehr):
    communicator = await sidebar_socket(clinician)
    assert (await communicator.connect())[0]
    await expire_in(-1)
    await communicator.send_json_to({"action": "ask", "question": "Latest PHQ-9?"})
    assert "Your session has ended" in await communicator.receive_from(timeout=30)
    assert await communicator.receive_output(timeout=30) == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_after_signing_out_the_next_socket_message_is_refused(clinician, ehr):
    communicator = await sidebar_socket(clinician)
    assert (await communicator.connect())[0]
    await sync_to_async(Session.objects.all().delete)()  # what logout does to the session
    await communicator.send_json_to({"action": "compose", "template": "soap", "text": "x"})
    assert "Your session has ended" in await communicator.receive_from(timeout=30)
    assert (await communicator.receive_output(timeout=30))["code"] == 4401
