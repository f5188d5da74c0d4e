"""Approve → EHR over HTTP against the sandbox: exactly once, labeled, retried until it lands."""

from __future__ import annotations

import asyncio
import base64
import json
import urllib.request
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from copilot.audit.models import LedgerEntry
from copilot.review import outbox, services
from copilot.review.models import WriteBack
from sandbox.launch import Sandbox, free_port
from tests.factories import soap_draft

pytestmark = pytest.mark.django_db(transaction=True)


def fhir_search(base_url: str, query: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/{query}", timeout=10) as response:
        return json.load(response)


def approved_draft(client_id: str, **kwargs):
    draft = soap_draft(client_id=client_id, encounter_id="enc-bh-001-16", **kwargs)
    section = draft.sections.get(key="objective")
    section.sentences = [
        {
            "text": "PHQ-9 total 6 (mild).",
            "sources": [{"reference": "Observation/obs-bh-001-phq9-08"}],
        }
    ]
    section.save()
    for s in draft.sections.all():
        services.section_decide(actor=draft.author, draft=draft, key=s.key, decision="accepted")
    return draft


async def test_twenty_concurrent_approvals_write_one_document_and_one_provenance(ehr, new_client):
    draft = await sync_to_async(approved_draft)(new_client)
    client = AsyncClient()
    await client.aforce_login(draft.author)
    url = reverse("draft-approve", args=[draft.id])

    responses = await asyncio.gather(
        *[
            client.post(url, {"idempotency_key": f"tab-{n % 3}"}, headers={"HX-Request": "true"})
            for n in range(20)
        ]
    )

    assert {r.status_code for r in responses} == {200}
    identifier = f"urn:ietf:rfc:3986|urn:uuid:{draft.id}"
    documents = fhir_search(ehr.base_url, f"DocumentReference?identifier={identifier}")
    assert documents["total"] == 1
    document = documents["entry"][0]["resource"]
    provenances = fhir_search(ehr.base_url, f"Provenance?target=DocumentReference/{document['id']}")
    assert provenances["total"] == 1
    write_back = await sync_to_async(WriteBack.objects.get)(approval__draft=draft)
    assert write_back.status == WriteBack.Status.WRITTEN
    assert write_back.document_reference_id == document["id"]
    bodies = [r.content.decode() for r in responses]
    assert all("Approved" in body for body in bodies)  # written, or waiting while another sends
    assert any("Approved and written to the EHR" in body for body in bodies)
    trail = await sync_to_async(list)(
        LedgerEntry.objects.filter(meta__draft=str(draft.id)).exclude(kind="review.section")
    )
    assert [e.kind for e in trail] == ["review.approve", "ehr.write"]  # once each
    assert trail[1].meta["references"] == [
        f"DocumentReference/{document['id']}/_history/{write_back.document_reference_version}",
        f"Provenance/{provenances['entry'][0]['resource']['id']}",
    ]


async def test_the_written_note_is_labeled_ai_assisted_with_full_provenance(ehr, new_client):
    draft = await sync_to_async(approved_draft)(new_client)
    approval = await sync_to_async(services.draft_approve)(
        actor=draft.author, draft=draft, idempotency_key="k"
    )
    row = await outbox.deliver(await sync_to_async(lambda: approval.write_back.pk)())

    document = fhir_search(ehr.base_url, f"DocumentReference/{row.document_reference_id}")
    assert {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
        "code": "AIAST",
        "display": "Artificial Intelligence asserted",
    } in document["meta"]["security"]
    assert (document["status"], document["docStatus"]) == ("current", "final")
    assert document["type"]["coding"][0]["code"] == "11506-3"
    assert document["category"][0]["coding"][0]["code"] == "clinical-note"
    assert document["subject"]["reference"] == f"Patient/{new_client}"
    assert document["author"][0]["reference"] == "Practitioner/pr-chen"
    assert document["context"]["encounter"][0]["reference"] == "Encounter/enc-bh-001-16"
    text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode()
    assert text == approval.note_text

    provenance = fhir_search(ehr.base_url, f"Provenance/{row.provenance_id}")
    roles = {a["type"]["coding"][0]["code"]: a["who"] for a in provenance["agent"]}
    assert roles["author"]["reference"] == roles["verifier"]["reference"] == "Practitioner/pr-chen"
    assert roles["assembler"]["reference"] == "#engine"
    device = provenance["contained"][0]
    assert device["resourceType"] == "Device" and device["version"][0]["value"] == "1.0"
    assert provenance["target"] == [{"reference": f"DocumentReference/{row.document_reference_id}"}]
    cited = [e["what"].get("reference") for e in provenance["entity"]]
    assert "Observation/obs-bh-001-phq9-08" in cited


async def test_the_outbox_drains_after_the_ehr_is_stopped_and_started_again(settings):
    port = free_port()
    ehr = Sandbox(port=port).start()
    settings.FHIR_BASE_URL = ehr.base_url
    ehr.stop()
    draft = await sync_to_async(approved_draft)("bh-002")
    approval = await sync_to_async(services.draft_approve)(
        actor=draft.author, draft=draft, idempotency_key="k"
    )
    write_back_id = await sync_to_async(lambda: approval.write_back.pk)()

    row = await outbox.deliver(write_back_id)
    assert (row.status, row.attempts) == (WriteBack.Status.PENDING, 1)
    assert row.last_error == "The EHR is unavailable right now."
    assert row.next_attempt_at > timezone.now()
    assert await outbox.deliver_due() == []  # not due yet: backing off

    restarted = Sandbox(port=port).start()
    try:
        await sync_to_async(WriteBack.objects.filter(pk=write_back_id).update)(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        [row] = await outbox.deliver_due()
        assert (row.status, row.attempts) == (WriteBack.Status.WRITTEN, 2)
        found = fhir_search(
            restarted.base_url,
            f"DocumentReference?identifier=urn:ietf:rfc:3986|urn:uuid:{draft.id}",
        )
        assert found["total"] == 1
    finally:
        restarted.stop()


async def test_a_rejected_write_fails_permanently_with_its_reason(ehr, sandbox_control, new_client):
    draft = await sync_to_async(approved_draft)(new_client)
    approval = await sync_to_async(services.draft_approve)(
        actor=draft.author, draft=draft, idempotency_key="k"
    )
    sandbox_control.configure(failStatus=422)
    row = await outbox.deliver(await sync_to_async(lambda: approval.write_back.pk)())
    assert row.status == WriteBack.Status.FAILED
    assert "Rejected by the sandbox" in row.last_error
    assert await outbox.deliver_due() == []  # a permanent failure is not retried


async def test_a_claimed_entry_is_not_sent_twice(ehr, new_client):
    draft = await sync_to_async(approved_draft)(new_client)
    approval = await sync_to_async(services.draft_approve)(
        actor=draft.author, draft=draft, idempotency_key="k"
    )
    pk = await sync_to_async(lambda: approval.write_back.pk)()
    assert await sync_to_async(outbox.claim)(pk) is True
    assert await sync_to_async(outbox.claim)(pk) is False


@pytest.mark.services
def test_parallel_sweeps_claim_disjoint_batches_of_the_due_rows():
    """Four senders sweep 40 due write-backs at once, 3 rows a claim: every row is
    claimed by exactly one of them (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    assert connection.vendor == "postgresql"
    due = set()
    for i in range(40):
        draft = approved_draft("bh-002")
        approval = services.draft_approve(actor=draft.author, draft=draft, idempotency_key=f"k{i}")
        due.add(approval.write_back.pk)
    start = Barrier(4)

    def sweep(_: int) -> list[int]:
        start.wait()
        claimed = []
        try:
            while ids := outbox.claim_due(3):
                claimed += ids
            return claimed
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(sweep, range(4)))

    every = [pk for batch in batches for pk in batch]
    assert sorted(every) == sorted(due)  # each row once: none twice, none left
    assert sum(1 for batch in batches if batch) >= 2  # the senders really shared the work
    statuses = set(WriteBack.objects.filter(pk__in=due).values_list("status", flat=True))
    assert statuses == {WriteBack.Status.SENDING}


def test_the_outbox_sweep_task_sends_the_due_notes(ehr, new_client):
    from copilot.review.tasks import outbox_sweep

    draft = approved_draft(new_client)
    approval = services.draft_approve(actor=draft.author, draft=draft, idempotency_key="k")
    assert approval.write_back.status == WriteBack.Status.PENDING

    touched = outbox_sweep.delay().get()  # eager here; beat schedules it on a worker

    assert touched == {"notes": 1, "plans": 0, "messages": 0, "claims": 0}
    row = WriteBack.objects.get(pk=approval.write_back.pk)
    assert row.status == WriteBack.Status.WRITTEN and row.attempts == 1
    found = fhir_search(
        ehr.base_url, f"DocumentReference?identifier=urn:ietf:rfc:3986|urn:uuid:{draft.id}"
    )
    assert found["total"] == 1


async def test_writes_lost_before_or_after_the_ehr_applied_them_end_in_one_document(
    ehr, sandbox_control, new_client
):
    """The sandbox fails the next two writes with 503: the first before storing it, the
    second after (the EHR stored the note, its answer was lost). Retries end in one
    DocumentReference and one Provenance."""
    draft = await sync_to_async(approved_draft)(new_client)
    approval = await sync_to_async(services.draft_approve)(
        actor=draft.author, draft=draft, idempotency_key="k"
    )
    pk = await sync_to_async(lambda: approval.write_back.pk)()
    sandbox_control.configure(failWrites=2)
    due_now = due_now_of(pk)

    statuses = []
    for _ in range(3):
        row = await outbox.deliver(pk)
        statuses.append(row.status)
        await due_now()

    assert statuses == [
        WriteBack.Status.PENDING,
        WriteBack.Status.PENDING,
        WriteBack.Status.WRITTEN,
    ]
    assert sandbox_control.stats()["writesFailed"] == 2
    identifier = f"urn:ietf:rfc:3986|urn:uuid:{draft.id}"
    found = fhir_search(ehr.base_url, f"DocumentReference?identifier={identifier}")
    assert found["total"] == 1
    reference = f"DocumentReference/{found['entry'][0]['resource']['id']}"
    provenance = fhir_search(ehr.base_url, f"Provenance?target={reference}")
    assert provenance["total"] == 1


def due_now_of(pk: int):
    """An awaitable that makes write-back `pk` due now (skipping its backoff)."""

    async def due_now() -> None:
        await sync_to_async(WriteBack.objects.filter(pk=pk).update)(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )

    return due_now
