"""Draft endpoints over HTTP: approval status polling and the no-JavaScript Approve."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copilot.review import services
from copilot.review.models import WriteBack
from tests.factories import ClinicianFactory, soap_draft

pytestmark = pytest.mark.django_db


def approved(draft):
    for s in draft.sections.all():
        services.section_decide(actor=draft.author, draft=draft, key=s.key, decision="accepted")
    return services.draft_approve(actor=draft.author, draft=draft, idempotency_key="k")


def test_a_waiting_note_says_so_and_keeps_polling(client, ehr):
    draft = soap_draft()
    approved(draft)
    client.force_login(draft.author)
    body = client.get(reverse("draft-status", args=[draft.id])).content.decode()
    assert "Approved — waiting for EHR" in body
    assert 'hx-trigger="every 3s"' in body
    assert "Copy the note as plain text" in body


def test_while_the_ehr_is_down_a_waiting_note_keeps_polling(client, ehr, settings, down_url):
    draft = soap_draft()
    approved(draft)
    client.force_login(draft.author)
    assert client.get(reverse("draft-status", args=[draft.id])).status_code == 200
    settings.FHIR_BASE_URL = down_url
    settings.CASELOAD_CACHE_SECONDS = 0  # the fresh caseload is gone; the last one stands in
    body = client.get(reverse("draft-status", args=[draft.id])).content.decode()
    assert "Approved — waiting for EHR" in body
    assert 'hx-trigger="every 3s"' in body


def test_a_written_note_shows_its_document_and_stops_polling(client, ehr):
    draft = soap_draft()
    approval = approved(draft)
    WriteBack.objects.filter(approval=approval).update(
        status=WriteBack.Status.WRITTEN, document_reference_id="doc-1"
    )
    client.force_login(draft.author)
    body = client.get(reverse("draft-status", args=[draft.id])).content.decode()
    assert "written to the EHR as DocumentReference/doc-1" in body
    assert 'hx-trigger="every' not in body  # polling stops
    assert f'hx-get="{reverse("draft-codes", args=[draft.id])}" hx-trigger="load"' in body


def test_a_written_summary_offers_no_coding_suggestions(client, ehr):
    draft = soap_draft(template_key="discharge")
    approval = approved(draft)
    WriteBack.objects.filter(approval=approval).update(
        status=WriteBack.Status.WRITTEN, document_reference_id="doc-2"
    )
    client.force_login(draft.author)
    body = client.get(reverse("draft-status", args=[draft.id])).content.decode()
    assert "written to the EHR as DocumentReference/doc-2" in body
    assert reverse("draft-codes", args=[draft.id]) not in body


def test_a_failed_write_shows_its_reason_and_keeps_the_note(client, ehr):
    draft = soap_draft()
    approval = approved(draft)
    WriteBack.objects.filter(approval=approval).update(
        status=WriteBack.Status.FAILED, last_error="The EHR rejected the request: invalid."
    )
    client.force_login(draft.author)
    body = client.get(reverse("draft-status", args=[draft.id])).content.decode()
    assert "The EHR rejected the request: invalid." in body
    assert "Subjective text from the input." in body  # copy-out


def test_approve_over_http_explains_what_blocks_it(client, ehr):
    draft = soap_draft()
    client.force_login(draft.author)
    response = client.post(reverse("draft-approve", args=[draft.id]), {"idempotency_key": "k"})
    assert response.status_code == 409
    assert "Decide every section (4 left)." in response.content.decode()


def test_another_clinicians_draft_is_not_found(client, ehr):
    draft = soap_draft()
    client.force_login(ClinicianFactory().user)
    assert client.get(reverse("draft-status", args=[draft.id])).status_code == 404
    response = client.post(reverse("draft-approve", args=[draft.id]), {"idempotency_key": "k"})
    assert response.status_code == 404


def test_the_sidebar_shows_the_latest_draft_again_after_a_reload(client, ehr):
    draft = soap_draft()
    services.section_decide(
        actor=draft.author, draft=draft, key="plan", decision="edited", text="My own plan text."
    )
    client.force_login(draft.author)
    body = client.get(reverse("sidebar", args=[draft.client_id])).content.decode()
    assert 'id="draft-panel"' in body
    assert "My own plan text." in body
    assert 'ws-connect="/ws/sidebar/bh-001/"' in body


def test_identical_denials_show_once_counted_and_every_positive_flag_stays():
    from copilot.web.presenters import draft_view
    from tests.factories import RiskFlagFactory

    draft = soap_draft()
    for note in ("a", "b", "c"):
        RiskFlagFactory(
            draft=draft,
            negated=True,
            quote="Client denies SI/HI.",
            source={"reference": f"DocumentReference/note-{note}"},
        )
    RiskFlagFactory(draft=draft, negated=True, kind="intent_or_plan", quote="denied plan.")
    RiskFlagFactory(draft=draft)
    RiskFlagFactory(draft=draft, quote="Client reported thoughts of not waking up.")
    flags = draft_view(draft).flags
    assert [(f.negated, f.count) for f in flags] == [(False, 1), (False, 1), (True, 3), (True, 1)]
    denial = flags[2]
    assert denial.quote == "Client denies SI/HI."
    assert all(f"DocumentReference/note-{n}" in denial.source for n in "abc")
