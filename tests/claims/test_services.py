"""A claim from an approved note against the sandbox EHR: drafted once and scrubbed,
refused while an error stands, approved once and found in the EHR as one Claim."""

from __future__ import annotations

import json
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from copilot.audit.models import LedgerEntry
from copilot.claims import services
from copilot.claims.models import ClaimRecord
from copilot.review import services as review
from tests.factories import ClinicianFactory, soap_draft
from tests.retrieval.conftest import condition

pytestmark = pytest.mark.django_db(transaction=True)
NOTE = {
    "subjective": "Session 10:00-10:50, individual psychotherapy. Client reports her depression "
    "is lifting.",
    "objective": "PHQ-9 total 9 today.",
    "assessment": "Major depressive disorder improving with behavioral activation.",
    "plan": "Continue weekly psychotherapy.",
}


def approved(client_id: str, note: dict[str, str] = NOTE, **kwargs):
    draft = soap_draft(client_id=client_id, **kwargs)
    for section in draft.sections.all():
        review.section_decide(
            actor=draft.author,
            draft=draft,
            key=section.key,
            decision="edited",
            text=note[section.key],
        )
    review.draft_approve(actor=draft.author, draft=draft, idempotency_key=f"note-{draft.id}")
    return draft


@pytest.fixture
def depressed_client(new_client, sandbox_control) -> str:
    """A new client on Mei Chen's CareTeam with recurrent moderate depression (F33.1),
    so no claim another test wrote is theirs."""
    sandbox_control.create(
        condition(new_client, "Major depressive disorder, recurrent, moderate", "F33.1")
    )
    return new_client


def claims_in_ehr(base_url: str, claim: ClaimRecord) -> list[dict]:
    query = f"Claim?identifier=urn:uuid:{claim.id}"
    with urllib.request.urlopen(f"{base_url}/{query}", timeout=10) as response:
        return [e["resource"] for e in json.load(response).get("entry", [])]


def test_an_approved_notes_claim_is_scrubbed_approved_once_and_written(ehr, depressed_client):
    client_id = depressed_client
    draft = approved(client_id, author=ClinicianFactory(practitioner_id="pr-chen").user)

    claim = async_to_sync(services.claim_for_draft)(actor=draft.author, draft=draft)

    assert async_to_sync(services.claim_for_draft)(actor=draft.author, draft=draft) == claim
    codes = [i["productOrService"]["coding"][0]["code"] for i in claim.resource["item"]]
    assert codes == ["90834"] and claim.findings == [] and not claim.blocked
    dx = [d["diagnosisCodeableConcept"]["coding"][0]["code"] for d in claim.resource["diagnosis"]]
    assert dx == ["F33.1"]  # the note names the depression
    for key in ("k", "k"):  # a double click approves and writes once
        row = services.claim_approve(actor=draft.author, claim=claim, idempotency_key=key)
        row = async_to_sync(services.deliver)(row.pk)
    assert row.status == "written"
    (written,) = claims_in_ehr(ehr.base_url, claim)
    assert written["id"] == row.claim_written_id and written["use"] == "claim"
    kinds = list(LedgerEntry.objects.filter(client_id=client_id).values_list("kind", flat=True))
    assert [kinds.count(k) for k in ("ai.claim", "claim.approve", "ehr.claim")] == [1, 1, 1]

    second = approved(client_id, author=draft.author)  # a second note of the same day
    duplicate = async_to_sync(services.claim_for_draft)(actor=second.author, draft=second)

    assert [f["rule"] for f in duplicate.findings] == ["duplicate_claim"] and duplicate.blocked
    assert duplicate.findings[0]["points_to"] == "item[0].servicedDate"
    with pytest.raises(services.ClaimError, match="already billed"):
        services.claim_approve(actor=second.author, claim=duplicate, idempotency_key="k2")
    assert ClaimRecord.objects.get(pk=duplicate.pk).status == "draft"


def test_a_summary_or_an_unapproved_note_has_no_claim(ehr, depressed_client):
    chen = ClinicianFactory(practitioner_id="pr-chen").user
    undecided = soap_draft(client_id=depressed_client, author=chen)

    with pytest.raises(services.ClaimError, match="once the note is approved"):
        async_to_sync(services.claim_for_draft)(actor=chen, draft=undecided)
    summary = soap_draft(client_id=depressed_client, author=chen, template_key="discharge")
    with pytest.raises(services.ClaimError, match="not for summaries"):
        async_to_sync(services.claim_for_draft)(actor=chen, draft=summary)


def test_the_coding_panel_offers_the_claim_and_only_its_author_opens_it(
    client, ehr, depressed_client
):
    chen = ClinicianFactory(practitioner_id="pr-chen").user
    draft = approved(depressed_client, author=chen)
    client.force_login(chen)

    panel = client.get(reverse("draft-codes", args=[draft.id])).content.decode()
    assert "Draft claim" in panel
    drafted = client.post(reverse("draft-claim", args=[draft.id]))
    assert drafted.status_code == 200 and "Scrubbed: no finding." in drafted.content.decode()
    claim = ClaimRecord.objects.get()

    client.force_login(ClinicianFactory(practitioner_id="pr-chen").user)  # same caseload
    assert client.get(reverse("claim-status", args=[claim.id])).status_code == 404
    assert client.post(reverse("claim-approve", args=[claim.id])).status_code == 404


def test_a_prior_authorization_is_drafted_from_the_chart_approved_and_written_once(client, ehr):
    chen = ClinicianFactory(practitioner_id="pr-chen").user
    client.force_login(chen)
    form = {
        "kind": "continued-outpatient",
        "code": "90834",
        "sessions": "12",
        "weeks": "12",
        "start": "2027-01-04",
    }

    page = client.post(reverse("priorauth", args=["bh-001"]), form)

    assert page.status_code == 200
    request = ClaimRecord.objects.get(use="preauthorization")
    assert all(s["sources"] for s in request.sentences)
    text = " ".join(s["text"] for s in request.sentences)
    assert "F33.1" in text and "19" in text and "6" in text  # PHQ-9 19 → 6
    item = request.resource["item"][0]
    assert item["quantity"]["value"] == 12
    assert item["servicedPeriod"] == {"start": "2027-01-04", "end": "2027-03-28"}
    letter = client.get(reverse("claim-letter", args=[request.id])).content.decode()
    assert "Prior authorization request" in letter and "Symptom measures" in letter

    approved_ = client.post(reverse("claim-approve", args=[request.id]), {"idempotency_key": "pa"})
    again = client.post(reverse("claim-approve", args=[request.id]), {"idempotency_key": "pa"})

    assert approved_.status_code == again.status_code == 200
    row = ClaimRecord.objects.get(pk=request.pk)
    (written,) = claims_in_ehr(ehr.base_url, row)
    assert written["use"] == "preauthorization" and written["id"] == row.claim_written_id
    assert "Symptom measures" in written["supportingInfo"][0]["valueString"]


def test_a_request_that_cannot_be_made_keeps_what_was_typed(client, ehr):
    client.force_login(ClinicianFactory(practitioner_id="pr-chen").user)
    form = {
        "kind": "continued-outpatient",
        "code": "S9480",
        "sessions": "30",
        "weeks": "4",
        "start": "2027-01-04",
    }

    page = client.post(reverse("priorauth", args=["bh-001"]), form)

    assert page.status_code == 400
    body = page.content.decode()
    assert "cannot be requested with code S9480" in body and 'value="30"' in body
    assert not ClaimRecord.objects.exists()
