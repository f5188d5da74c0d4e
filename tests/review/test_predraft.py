"""Pre-drafts: the EHR's appointment.completed event drafts what a clinician typed in the
sidebar for that client during the appointment - once, for them only, never approved."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from copilot.audit.models import LedgerEntry
from copilot.review import services
from copilot.review.models import ComposerText, Draft
from tests.factories import ClinicianFactory
from tests.retrieval.test_webhook import post

pytestmark = pytest.mark.django_db
TYPED = (
    "Client reports sleeping six hours most nights and used thought records twice this "
    "week. Denies SI. Plan: continue weekly CBT; homework is a behavioral activation schedule."
)


@pytest.fixture
def typed(clinician, new_client, ehr, chroma):
    services.composer_save(actor=clinician, client_id=new_client, template_key="dap", text=TYPED)
    return clinician, new_client


def completed(client, client_id: str):
    return post(client, {"event": "appointment.completed", "patient": f"Patient/{client_id}"})


def test_the_end_of_an_appointment_drafts_what_the_clinician_typed_once(client, typed):
    clinician, client_id = typed

    response = completed(client, client_id)

    assert response.status_code == 200 and response.json()["predrafted"] == 1
    draft = Draft.objects.get(author=clinician, client_id=client_id)
    assert (draft.origin, draft.status, draft.template_key) == ("appointment", "complete", "dap")
    assert draft.input_text == TYPED and not hasattr(draft, "approval")
    drafted = " ".join(draft.sections.values_list("ai_text", flat=True))
    assert "thought records" in drafted and "activation" in drafted
    assert draft.risk_flags.filter(negated=True).exists()  # "Denies SI", a documented denial
    entry = LedgerEntry.objects.get(kind="ai.draft", client_id=client_id)
    assert entry.meta["origin"] == "appointment" and entry.meta["draft"] == str(draft.id)

    again = completed(client, client_id)  # the EHR retries its webhook

    assert again.json()["predrafted"] == 0
    assert Draft.objects.filter(client_id=client_id).count() == 1


def test_the_sidebar_opens_on_the_pre_draft(client, typed):
    clinician, client_id = typed
    completed(client, client_id)
    client.force_login(clinician)

    page = client.get(reverse("sidebar", args=[client_id])).content.decode()

    assert "Pre-drafted when the appointment ended" in page
    assert "thought records" in page


@pytest.mark.parametrize("case", ["drafted since", "typed yesterday", "blank", "not on caseload"])
def test_nothing_is_pre_drafted_when_there_is_nothing_new_to_draft(client, typed, case):
    clinician, client_id = typed
    composer = ComposerText.objects.get(author=clinician, client_id=client_id)
    if case == "drafted since":  # the clinician pressed Draft note after typing
        services.draft_create(
            actor=clinician,
            client_id=client_id,
            template=services.draft_input_validate(template_key="dap", text=TYPED)[0],
            text=TYPED,
            kind="notes",
            engine=services.EngineInfo("grounded", "1"),
        )
    elif case == "typed yesterday":
        ComposerText.objects.filter(pk=composer.pk).update(
            updated_at=timezone.now() - timedelta(hours=13)
        )
    elif case == "blank":
        services.composer_save(actor=clinician, client_id=client_id, template_key="dap", text=" \n")
    else:  # typed by a clinician the client's care team does not name
        ComposerText.objects.filter(pk=composer.pk).update(
            author=ClinicianFactory(practitioner_id="pr-osei").user
        )
    before = Draft.objects.count()

    response = completed(client, client_id)

    assert response.status_code == 200 and response.json()["predrafted"] == 0
    assert Draft.objects.count() == before
    assert not Draft.objects.filter(origin="appointment").exists()


def test_a_background_draft_is_polled_until_it_is_ready(client, clinician, new_client, ehr):
    services.composer_save(actor=clinician, client_id=new_client, template_key="dap", text=TYPED)
    template, text = services.draft_input_validate(template_key="dap", text=TYPED)
    draft = services.draft_create(
        actor=clinician,
        client_id=new_client,
        template=template,
        text=text,
        kind="notes",
        engine=services.EngineInfo("grounded", "1"),
        origin=Draft.Origin.APPOINTMENT,
    )
    client.force_login(clinician)
    url = reverse("draft-status", args=[draft.id])

    waiting = client.get(url, headers={"HX-Request": "true"})

    assert waiting.status_code == 200
    body = waiting.content.decode()
    assert 'id="draft-progress"' in body and 'hx-trigger="every 2s"' in body
    services.draft_finish(draft=draft, complete=True)

    ready = client.get(url, headers={"HX-Request": "true"})

    assert ready.headers["HX-Retarget"] == "#draft-panel"
    assert "every 2s" not in ready.content.decode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_a_task_queue_a_worker_pre_drafts_after_the_webhook_answered(client, typed, settings):
    """Redis broker, a real Celery worker (in this process, its own thread): 202 before
    any drafting, then the worker reads the chart and drafts the typed notes."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    clinician, client_id = typed
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            response = completed(client, client_id)
            assert response.status_code == 202 and response.json() == {"queued": True}
            deadline = time.monotonic() + 60
            while not Draft.objects.filter(client_id=client_id, status="complete").exists():
                assert time.monotonic() < deadline, "the worker did not pre-draft"
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    draft = Draft.objects.get(client_id=client_id)
    assert draft.origin == "appointment" and draft.author == clinician
    assert "thought records" in " ".join(draft.sections.values_list("ai_text", flat=True))
