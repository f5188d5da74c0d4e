"""POST /api/ehr/webhook: signed EHR events re-index; anything unsigned changes nothing."""

from __future__ import annotations

import json
import logging
import time

import pytest

from copilot.ehr.webhook import sign
from copilot.retrieval.index import ClientIndex
from copilot.retrieval.models import ClientIndexState, IndexedSource

from .conftest import note

pytestmark = pytest.mark.django_db
URL = "/api/ehr/webhook"
SECRET = "test-webhook-secret"
CANARY = "Client practiced the breathing drill she calls lighthouse counting."


def post(client, payload: dict, *, secret: str = SECRET, at: float | None = None, headers=None):
    body = json.dumps(payload).encode()
    stamp = int(at if at is not None else time.time())
    signed = {
        "X-EHR-Timestamp": str(stamp),
        "X-EHR-Signature": sign(body, secret=secret, timestamp=stamp),
    }
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers=signed if headers is None else headers,
    )


@pytest.fixture
def created(sandbox_control, new_client, ehr):
    document = sandbox_control.create(note(new_client, CANARY))
    return new_client, f"DocumentReference/{document['id']}"


def _nothing_indexed(client_id: str) -> bool:
    return (
        ClientIndex(client_id).count() == 0
        and not IndexedSource.objects.exists()
        and not ClientIndexState.objects.exists()
    )


def test_a_signed_note_created_event_makes_the_note_searchable(client, created):
    client_id, reference = created

    response = post(client, {"event": "note.created", "resource": reference})

    assert response.status_code == 200
    assert response.json() == {"added": 1, "updated": 0, "removed": 0, "unchanged": 0}
    hits = ClientIndex(client_id).search("lighthouse counting breathing", 1)
    assert hits[0].chunk.source == reference and "lighthouse" in hits[0].chunk.text


def test_a_signed_note_updated_event_reindexes_the_new_version(client, created, sandbox_control):
    client_id, reference = created
    post(client, {"event": "note.created", "resource": reference})
    changed = note(client_id, CANARY.replace("lighthouse", "harbor"))
    sandbox_control.update({**changed, "id": reference.split("/")[1]})

    response = post(client, {"event": "note.updated", "resource": reference})

    assert response.json()["updated"] == 1
    texts = [h.chunk.text for h in ClientIndex(client_id).search("breathing drill counting", 3)]
    assert texts == [CANARY.replace("lighthouse", "harbor")]


def test_a_signed_appointment_completed_event_syncs_the_clients_index(client, created):
    client_id, reference = created

    response = post(client, {"event": "appointment.completed", "patient": f"Patient/{client_id}"})

    assert response.status_code == 200 and response.json()["added"] == 2  # note and CareTeam
    assert ClientIndexState.objects.filter(client_id=client_id).exists()


@pytest.mark.parametrize(
    "variant",
    ["wrong secret", "stale timestamp", "future timestamp", "missing headers", "tampered body"],
)
def test_unauthentic_calls_are_refused_and_logged_without_content(client, created, caplog, variant):
    client_id, reference = created
    payload = {"event": "note.created", "resource": reference}
    caplog.set_level(logging.WARNING, logger="copilot.api.webhooks")

    if variant == "wrong secret":
        response = post(client, payload, secret="not-the-secret")
    elif variant == "stale timestamp":
        response = post(client, payload, at=time.time() - 301)
    elif variant == "future timestamp":
        response = post(client, payload, at=time.time() + 301)
    elif variant == "missing headers":
        response = post(client, payload, headers={})
    else:
        stamp = int(time.time())
        signature = sign(json.dumps(payload).encode(), secret=SECRET, timestamp=stamp)
        other = {"event": "appointment.completed", "patient": f"Patient/{client_id}"}
        response = post(
            client,
            other,
            headers={"X-EHR-Timestamp": str(stamp), "X-EHR-Signature": signature},
        )

    assert response.status_code == 401
    assert _nothing_indexed(client_id)
    assert "EHR webhook refused" in caplog.text
    assert client_id not in caplog.text and reference not in caplog.text


def test_an_unconfigured_secret_refuses_every_call(client, created, settings):
    client_id, reference = created
    settings.EHR_WEBHOOK_SECRET = ""

    response = post(client, {"event": "note.created", "resource": reference}, secret="")

    assert response.status_code == 401
    assert _nothing_indexed(client_id)


@pytest.mark.parametrize(
    "payload",
    [
        {"event": "patient.merged", "resource": "Patient/x"},
        {"event": "note.created", "resource": "Patient/not-a-note"},
        {"event": "note.created"},
        ["note.created"],
    ],
)
def test_signed_but_unknown_or_malformed_events_are_rejected(client, created, payload):
    client_id, _ = created

    response = post(client, payload)

    assert response.status_code == 400
    assert _nothing_indexed(client_id)


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_a_task_queue_the_webhook_answers_at_once_and_a_worker_indexes(
    client, created, settings
):
    """Redis broker, a real Celery worker (in this process, its own thread): 202 before
    any indexing, then the worker reads the note from the EHR and indexes it."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    client_id, reference = created
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            response = post(client, {"event": "note.created", "resource": reference})
            assert response.status_code == 202 and response.json() == {"queued": True}
            deadline = time.monotonic() + 60
            while not IndexedSource.objects.filter(reference=reference).exists():
                assert time.monotonic() < deadline, "the worker did not index the note"
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    hits = ClientIndex(client_id).search("lighthouse counting breathing", 1)
    assert hits[0].chunk.source == reference
