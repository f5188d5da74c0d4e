"""The Group session tab over HTTP, and each member's note approved into their own chart."""

from __future__ import annotations

import base64
import json
import re
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from copilot.groups.models import GroupNote, GroupSession
from copilot.review import outbox, services
from copilot.review.models import Draft
from tests.factories import ClinicianFactory

from .conftest import DBT_GROUP, TRANSCRIPT

pytestmark = pytest.mark.django_db(transaction=True)
PLACEHOLDER = re.compile(r"\[clinician to complete:[^\]]*\]")
FRESH_NOTES = (
    "Today the group practiced the STOP skill together. Ruth Abara (MR-501) shared that she "
    "used STOP before a hard phone call with her landlord. Tomas Lindqvist said he skipped "
    "practice all week. He seemed withdrawn. Ruth agreed with Ines Duarte that pausing "
    "helped. Homework for everyone: use STOP once a day."
)


def fhir(base_url: str, query: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/{query}", timeout=10) as response:
        return json.load(response)


def test_the_panel_lists_the_clients_groups_with_only_caseload_members(client, ehr, clinician):
    client.force_login(clinician)
    response = client.get(reverse("group-panel", args=["bh-004"]), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "DBT skills group" in body and "Anxiety CBT group" in body
    assert re.search(r'value="bh-001" checked> Maya Thompson', body)
    assert re.search(r'value="bh-004" checked> Priya Nair', body)
    # Sofia Alvarez (bh-007) and James Carter (bh-002) are Samuel Okafor's clients.
    assert [
        p for p in ("Sofia", "Alvarez", "bh-007", "James", "Carter", "bh-002") if p in body
    ] == []
    assert body.count("1 other member not on your caseload") == 1
    assert body.count("2 other members not on your caseload") == 1
    assert "<html" not in body  # the htmx partial


def test_a_client_in_no_group_says_so_and_a_client_off_the_caseload_is_404(
    client, ehr, clinician, new_client
):
    client.force_login(clinician)
    body = client.get(reverse("group-panel", args=[new_client])).content.decode()
    assert "not a member of a therapy group" in body
    assert client.get(reverse("group-panel", args=["bh-003"])).status_code == 404


def test_a_member_not_on_the_caseload_cannot_be_ticked(client, ehr, clinician):
    client.force_login(clinician)
    url = reverse("group-draft", args=["bh-001", DBT_GROUP])
    response = client.post(url, {"attending": ["bh-001", "bh-007"], "text": TRANSCRIPT})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Only members of this group who are on your caseload can be ticked." in body
    assert "Therapist: Welcome back, everyone." in body  # nothing typed is lost
    assert Draft.objects.count() == 0 and GroupSession.objects.count() == 0


def test_a_group_the_client_is_not_in_is_404(client, ehr, clinician):
    client.force_login(clinician)
    url = reverse("group-draft", args=["bh-001", "group-anxiety-cbt"])
    assert client.post(url, {"attending": ["bh-004"], "text": TRANSCRIPT}).status_code == 404


def test_each_member_note_is_approved_into_their_own_chart_once(
    client, ehr, clinician, fresh_group
):
    client.force_login(clinician)
    url = reverse("group-draft", args=[fresh_group["ruth"], fresh_group["group"]])
    ticked = [fresh_group["ruth"], fresh_group["tomas"]]
    response = client.post(
        url, {"attending": ticked, "text": FRESH_NOTES}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 notes drafted for Thursday skills group" in body
    assert "Ruth Abara" in body and "Tomas Lindqvist" in body and "Ines" not in body

    others = {
        fresh_group["ruth"]: ("Tomas", "Lindqvist", "MR-502", "Ines", "Duarte", "skipped"),
        fresh_group["tomas"]: ("Ruth", "Abara", "MR-501", "Ines", "Duarte", "landlord"),
    }
    for note in GroupNote.objects.select_related("draft"):
        draft = note.draft
        for section in draft.sections.all():
            kept = PLACEHOLDER.sub("", section.ai_text).strip() or "Not discussed."
            services.section_decide(
                actor=clinician, draft=draft, key=section.key, decision="edited", text=kept
            )
        for flag in draft.risk_flags.all():
            services.flag_acknowledge(actor=clinician, draft=draft, flag_id=flag.pk)
        for attempt in ("first", "again"):  # a second Approve writes nothing new
            key = f"{draft.id}-{attempt}"[:64]
            approval = services.draft_approve(actor=clinician, draft=draft, idempotency_key=key)
            async_to_sync(outbox.deliver)(approval.write_back.pk)
        found = fhir(ehr.base_url, f"DocumentReference?subject=Patient/{note.client_id}")
        assert found.get("total", len(found.get("entry", []))) == 1
        document = found["entry"][0]["resource"]
        text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode()
        assert "STOP" in text
        assert [o for o in others[note.client_id] if o in text] == []
        assert document["description"].startswith("Group therapy progress note")
        provenance = fhir(ehr.base_url, f"Provenance?target=DocumentReference/{document['id']}")
        assert len(provenance["entry"]) == 1

    session = GroupSession.objects.get()
    page = client.get(reverse("group-session", args=[session.id])).content.decode()
    assert page.count("Approved · written to the EHR as DocumentReference/") == 2


def test_only_the_facilitator_opens_the_session_page(client, ehr, clinician):
    session = GroupSession.objects.create(author=clinician, group_id=DBT_GROUP, group_name="DBT")
    client.force_login(ClinicianFactory().user)  # also Mei Chen's caseload, not the author
    assert client.get(reverse("group-session", args=[session.id])).status_code == 404
    client.force_login(clinician)
    assert client.get(reverse("group-session", args=[session.id])).status_code == 200


@pytest.mark.services
def test_with_a_task_queue_the_facilitator_gets_the_session_at_once_and_workers_draft_it(
    client, ehr, clinician, fresh_group, settings
):
    """Redis broker, a real Celery worker (in this process, its own thread): the form
    answers with the members' notes "Drafting…" and a poll; the worker drafts each one
    from that member's view only; the poll then stops."""
    import time

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    client.force_login(clinician)
    url = reverse("group-draft", args=[fresh_group["ruth"], fresh_group["group"]])
    ticked = [fresh_group["ruth"], fresh_group["tomas"]]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        response = client.post(
            url, {"attending": ticked, "text": FRESH_NOTES}, headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "2 of 2 notes still being drafted" in body and body.count("Drafting…") == 2
        assert 'hx-trigger="every 2s"' in body
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            deadline = time.monotonic() + 60
            while Draft.objects.filter(status="generating").exists():
                assert time.monotonic() < deadline, "the worker did not draft the notes"
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True

    others = {
        fresh_group["ruth"]: ("Tomas", "Lindqvist", "MR-502", "Ines", "Duarte", "skipped"),
        fresh_group["tomas"]: ("Ruth", "Abara", "MR-501", "Ines", "Duarte", "landlord"),
    }
    for note in GroupNote.objects.select_related("draft"):
        assert (note.draft.status, note.draft.origin) == ("complete", "group")
        text = "\n".join(note.draft.sections.values_list("ai_text", flat=True))
        assert "STOP" in text and [o for o in others[note.client_id] if o in text] == []
    session = GroupSession.objects.get()
    poll = client.get(
        reverse("group-session", args=[session.id]) + f"?client_id={fresh_group['ruth']}",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "2 notes drafted for Thursday skills group" in poll and "every 2s" not in poll
    assert "(this client: reload to review)" in poll
