"""Co-signature end to end against the sandbox EHR: a pre-licensed clinician approves, the
supervisor returns the note with a comment, the clinician revises and approves again,
the supervisor co-signs; the note reaches the EHR once, with both clinicians in its
Provenance."""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.urls import reverse

from copilot.review import services
from copilot.review.models import CosignRequest, WriteBack
from tests.conftest import care_team
from tests.review.supervision import ready_draft, supervision

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"HX-Request": "true"}


def fhir_search(base_url: str, query: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/{query}", timeout=10) as response:
        return json.load(response)


async def test_return_revise_and_cosign_write_one_note_with_both_clinicians(
    ehr, new_client, sandbox_control
):
    sandbox_control.create(care_team(new_client, "pr-patel"))  # on Patel's (and Rivera's) caseload
    people = await sync_to_async(supervision)()
    draft = await sync_to_async(ready_draft)(people.clinician, client_id=new_client)
    clinician, supervisor = AsyncClient(), AsyncClient()
    await clinician.aforce_login(people.clinician)
    await supervisor.aforce_login(people.supervisor)
    approve_url = reverse("draft-approve", args=[draft.id])
    identifier = f"urn:ietf:rfc:3986|urn:uuid:{draft.id}"

    sent = await clinician.post(approve_url, {"idempotency_key": "first"}, headers=HTMX)
    assert "sent to Dr. Elena Rivera for co-signature" in sent.content.decode()
    queue = (await supervisor.get(reverse("cosign-queue"))).content.decode()
    assert "Test Client" in queue

    returned = await supervisor.post(
        reverse("cosign-return", args=[draft.id]),
        {"comment": "Add the homework you agreed on to the Plan."},
        headers=HTMX,
    )
    assert returned.status_code == 200
    assert fhir_search(ehr.base_url, f"DocumentReference?identifier={identifier}")["total"] == 0
    reopened = await clinician.get(reverse("draft-status", args=[draft.id]), headers=HTMX)
    assert "Add the homework you agreed on to the Plan." in reopened.content.decode()

    await sync_to_async(services.section_decide)(
        actor=people.clinician,
        draft=draft,
        key="plan",
        decision="edited",
        text="Continue CBT weekly. Homework: thought record daily.",
    )
    await clinician.post(approve_url, {"idempotency_key": "second"}, headers=HTMX)
    review = (await supervisor.get(reverse("cosign-review", args=[draft.id]))).content.decode()
    assert "<ins>Continue CBT weekly. Homework: thought record daily.</ins>" in review
    assert "Returned" in review and "Add the homework" in review  # the earlier round

    cosigned = [
        await supervisor.post(reverse("cosign-sign", args=[draft.id]), headers=HTMX)
        for _ in range(3)
    ]  # a double click and a retry
    assert {r.status_code for r in cosigned} == {200}
    assert "written to the EHR as DocumentReference/" in cosigned[0].content.decode()

    documents = fhir_search(ehr.base_url, f"DocumentReference?identifier={identifier}")
    assert documents["total"] == 1
    document = documents["entry"][0]["resource"]
    text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode()
    assert "Homework: thought record daily." in text
    assert document["author"][0]["reference"] == "Practitioner/pr-patel"
    assert document["authenticator"]["reference"] == "Practitioner/pr-rivera"
    provenances = fhir_search(ehr.base_url, f"Provenance?target=DocumentReference/{document['id']}")
    assert provenances["total"] == 1
    agents = [
        (a["type"]["coding"][0]["code"], a["who"]["reference"])
        for a in provenances["entry"][0]["resource"]["agent"]
    ]
    assert agents == [
        ("author", "Practitioner/pr-patel"),
        ("verifier", "Practitioner/pr-patel"),
        ("verifier", "Practitioner/pr-rivera"),
        ("legal", "Practitioner/pr-rivera"),
        ("assembler", "#engine"),
    ]
    statuses = await sync_to_async(
        lambda: list(draft.cosign_requests.order_by("pk").values_list("status", flat=True))
    )()
    assert statuses == [CosignRequest.Status.RETURNED, CosignRequest.Status.COSIGNED]
    write_back = await WriteBack.objects.aget(approval__draft=draft)
    assert write_back.document_reference_id == document["id"]
    assert write_back.status == WriteBack.Status.WRITTEN
