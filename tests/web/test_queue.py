"""The supervisor's queue and review pages, co-sign and return over HTTP, and what the
clinician's sidebar shows while a note waits for co-signature or comes back."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from auditlog.models import LogEntry
from django.urls import reverse

from copilot.review import cosign, services
from copilot.review.models import CosignRequest, WriteBack
from tests.factories import ClinicianFactory, RiskFlagFactory
from tests.review.supervision import ready_draft, supervision
from tests.web.test_consumer import connect, receive_until

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehr")]  # caseloads: CareTeams

HTMX = {"HX-Request": "true"}


def submit(draft):
    return services.draft_approve(actor=draft.author, draft=draft, idempotency_key=f"k-{draft.pk}")


def test_the_queue_lists_pending_notes_with_counts(client):
    people = supervision()
    flagged = ready_draft(people.clinician, client_id="bh-003")
    flag = RiskFlagFactory(draft=flagged)
    services.flag_acknowledge(actor=people.clinician, draft=flagged, flag_id=flag.pk)
    submit(flagged)
    submit(ready_draft(people.clinician, client_id="bh-006"))
    ready_draft(people.clinician, client_id="bh-001")  # not approved: not in the queue
    other = ClinicianFactory(
        display_name="Nora Quinn", supervisor=ClinicianFactory(display_name="Other Supervisor")
    )
    other.requires_cosign = True
    other.save()
    submit(ready_draft(other.user, client_id="bh-002"))  # someone else's supervisee

    client.force_login(people.supervisor)
    body = client.get(reverse("cosign-queue")).content.decode()

    assert "<strong>2</strong> notes waiting for your co-signature" in body
    assert "<strong>1</strong> with risk flags" in body
    assert "Arjun Patel: 2" in body
    assert "Alex Morgan" in body and "Robert Hayes" in body  # names from the EHR
    assert "Maya Thompson" not in body and "James Carter" not in body
    assert "Nora Quinn" not in body
    assert body.count("Suicidal ideation") == 1
    assert reverse("cosign-review", args=[flagged.id]) in body


def test_the_queue_shows_fhir_references_while_the_ehr_is_down(client, settings, down_url):
    people = supervision()
    submit(ready_draft(people.clinician, client_id="bh-003"))
    client.force_login(people.supervisor)
    settings.FHIR_BASE_URL = down_url
    body = client.get(reverse("cosign-queue")).content.decode()
    assert "<strong>1</strong> note waiting" in body
    assert "Patient/bh-003" in body


def test_full_pages_name_the_user_link_the_queue_and_sign_out(client):
    people = supervision()
    client.force_login(people.supervisor)
    body = client.get(reverse("cosign-queue")).content.decode()
    assert "Signed in as Dr. Elena Rivera" in body
    assert f'action="{reverse("logout")}"' in body and "Sign out" in body
    client.force_login(people.clinician)
    body = client.get(reverse("client-picker")).content.decode()
    assert "Signed in as Arjun Patel" in body
    assert reverse("cosign-queue") not in body  # supervises nobody


def test_an_empty_queue_says_so(client):
    client.force_login(supervision().supervisor)
    body = client.get(reverse("cosign-queue")).content.decode()
    assert "<strong>0</strong> notes waiting" in body
    assert "Nothing is waiting" in body


def test_the_review_page_shows_each_section_against_the_ai_draft(client):
    people = supervision()
    draft = ready_draft(people.clinician)
    services.section_decide(
        actor=people.clinician,
        draft=draft,
        key="plan",
        decision="edited",
        text="Plan <b>text</b> for next week.",
    )
    services.section_decide(
        actor=people.clinician, draft=draft, key="objective", decision="rejected"
    )
    submit(draft)

    client.force_login(people.supervisor)
    body = client.get(reverse("cosign-review", args=[draft.id])).content.decode()

    assert (
        "Plan <del>text from the input.</del><ins>&lt;b&gt;text&lt;/b&gt; for next week.</ins>"
        in (body)
    )
    assert "<del>Objective text from the input.</del>" in body
    assert "Rejected: left out of the note." in body
    assert "Subjective text from the input." in body and "Accepted · unchanged" in body
    assert "By Arjun Patel" in body
    assert 'hx-post="{}"'.format(reverse("cosign-sign", args=[draft.id])) in body
    assert 'name="comment"' in body and "required" in body


def test_other_supervisors_and_the_author_get_404(client):
    people = supervision()
    draft = ready_draft(people.clinician)
    submit(draft)
    other_supervisor = ClinicianFactory(display_name="Other Supervisor").user
    for user in (other_supervisor, people.clinician):
        client.force_login(user)
        assert client.get(reverse("cosign-review", args=[draft.id])).status_code == 404
        assert client.post(reverse("cosign-sign", args=[draft.id])).status_code == 404
        response = client.post(reverse("cosign-return", args=[draft.id]), {"comment": "No"})
        assert response.status_code == 404
    assert CosignRequest.objects.get().status == CosignRequest.Status.PENDING


def test_returning_without_a_comment_explains_and_keeps_the_form(client):
    people = supervision()
    draft = ready_draft(people.clinician)
    submit(draft)
    client.force_login(people.supervisor)

    response = client.post(
        reverse("cosign-return", args=[draft.id]), {"comment": "  "}, headers=HTMX
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "a comment is required to return a note" in body
    assert 'id="decision"' in body and 'aria-invalid="true"' in body
    assert "<main" not in body  # the htmx partial only
    assert CosignRequest.objects.get().status == CosignRequest.Status.PENDING


def test_a_returned_note_reopens_in_the_clinicians_sidebar_with_the_comment(client):
    people = supervision()
    draft = ready_draft(people.clinician)
    submit(draft)
    client.force_login(people.supervisor)
    response = client.post(
        reverse("cosign-return", args=[draft.id]),
        {"comment": "Please document the safety plan."},
        headers=HTMX,
    )
    assert "Returned to Arjun Patel" in response.content.decode()

    client.force_login(people.clinician)
    response = client.get(reverse("draft-status", args=[draft.id]), headers=HTMX)

    assert response.headers["HX-Retarget"] == "#draft-panel"
    body = response.content.decode()
    assert "Returned by Dr. Elena Rivera" in body
    assert "Please document the safety plan." in body
    assert 'value="edit"' in body or '"action": "edit"' in body  # sections editable again
    assert "Approve and send to Dr. Elena Rivera for co-signature" in body


def test_a_return_is_in_the_change_log_with_its_actor_and_without_the_comment(client):
    people = supervision()
    draft = ready_draft(people.clinician)
    submit(draft)
    client.force_login(people.supervisor)
    client.post(reverse("cosign-return", args=[draft.id]), {"comment": "Private words."})

    log = LogEntry.objects.get_for_object(CosignRequest.objects.get()).latest("timestamp")
    assert log.actor_id == people.supervisor.pk
    assert log.changes_dict["status"] == ["pending", "returned"]
    assert "Private words." not in str(log.changes)


def test_the_sidebar_says_who_the_note_was_sent_to_and_keeps_polling(client):
    people = supervision()
    draft = ready_draft(people.clinician)
    client.force_login(people.clinician)

    response = client.post(
        reverse("draft-approve", args=[draft.id]), {"idempotency_key": "k"}, headers=HTMX
    )

    body = response.content.decode()
    assert "sent to Dr. Elena Rivera for co-signature" in body
    assert 'hx-trigger="every 15s"' in body
    assert not WriteBack.objects.exists()
    panel = client.get(reverse("sidebar", args=[draft.client_id])).content.decode()
    assert "sent to Dr. Elena Rivera for co-signature" in panel
    assert 'value="accept"' not in panel  # locked while waiting


def test_cosign_over_http_without_javascript_redirects_to_the_review(client, settings, down_url):
    people = supervision()
    draft = ready_draft(people.clinician)
    submit(draft)
    client.force_login(people.supervisor)
    assert client.get(reverse("cosign-review", args=[draft.id])).status_code == 200
    # The EHR goes down: the caseload just read stands in; the outbox keeps the note.
    settings.FHIR_BASE_URL = down_url

    response = client.post(reverse("cosign-sign", args=[draft.id]))

    assert response.status_code == 302
    assert response.url == reverse("cosign-review", args=[draft.id])
    body = client.get(response.url).content.decode()
    assert "Co-signed — waiting for EHR" in body
    assert 'hx-trigger="every 3s"' in body
    assert WriteBack.objects.get().status == WriteBack.Status.PENDING
    cosign_again = client.post(reverse("cosign-sign", args=[draft.id]), headers=HTMX)
    assert cosign_again.status_code == 200  # idempotent
    assert WriteBack.objects.count() == 1


@pytest.mark.django_db(transaction=True)
async def test_approve_over_the_websocket_sends_the_note_to_the_supervisor():
    people = await sync_to_async(supervision)()
    draft = await sync_to_async(ready_draft)(people.clinician)
    communicator = await connect(people.clinician, client_id=draft.client_id)

    await communicator.send_json_to(
        {"action": "approve", "draft": str(draft.id), "idempotency_key": "k"}
    )
    [*_, panel] = await receive_until(communicator, 'id="draft-panel"')
    await communicator.disconnect()

    assert "sent to Dr. Elena Rivera for co-signature" in panel
    assert await CosignRequest.objects.filter(draft=draft, status="pending").acount() == 1
    assert not await WriteBack.objects.aexists()
    assert await sync_to_async(cosign.cosign_pending)(draft) is not None
