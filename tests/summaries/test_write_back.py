"""Approved summaries are written to the EHR once, with their own LOINC type, AI label and
Provenance, and read back over HTTP from the sandbox."""

from __future__ import annotations

import base64

import pytest
from asgiref.sync import sync_to_async

from copilot.drafting.templates import get_template
from copilot.drafting.types import DraftRequest, SectionCompleted
from copilot.ehr import get_gateway
from copilot.review import outbox, services
from copilot.summaries import engine_for
from copilot.summaries.forms import SummaryForm, summary_input_text
from tests.review.test_write_back import fhir_search

pytestmark = pytest.mark.django_db(transaction=True)


async def approve_summary(clinician, client_id: str, form: SummaryForm):
    template = get_template(form.template)
    chart = await get_gateway().chart(client_id)
    text = await summary_input_text(form, chart, "Mei Chen")
    engine = engine_for(template)
    draft = await sync_to_async(services.draft_create)(
        actor=clinician,
        client_id=client_id,
        template=template,
        text=text,
        kind="notes",
        engine=engine.info,
    )
    request = DraftRequest(template, text, chart, "notes", clinician="Mei Chen")
    position = 0
    async for event in engine.stream(request):
        if isinstance(event, SectionCompleted):
            await sync_to_async(services.draft_section_record)(
                draft=draft, section=event.section, position=position
            )
            position += 1
    await sync_to_async(services.draft_finish)(draft=draft, complete=True)

    def decide() -> int:
        for section in draft.sections.all():
            if "[clinician to complete" in section.final_text:
                text = section.final_text.split("[clinician to complete")[0] or "Done."
                services.section_decide(
                    actor=clinician, draft=draft, key=section.key, decision="edited", text=text
                )
            else:
                services.section_decide(
                    actor=clinician, draft=draft, key=section.key, decision="accepted"
                )
        approval = services.draft_approve(
            actor=clinician, draft=draft, idempotency_key=str(draft.id)
        )
        return approval.write_back.pk

    write_back = await sync_to_async(decide)()
    row = await outbox.deliver(write_back)
    again = await outbox.deliver(write_back)  # a retry finds nothing to do
    assert row.status == again.status == "written"
    return draft, row


def read_back(sandbox, client_id: str):
    found = fhir_search(sandbox.base_url, f"DocumentReference?subject=Patient/{client_id}")
    documents = [e["resource"] for e in found.get("entry", [])]
    assert len(documents) == 1
    document = documents[0]
    text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode()
    provenance = fhir_search(
        sandbox.base_url, f"Provenance?target=DocumentReference/{document['id']}"
    )
    return document, text, [e["resource"] for e in provenance.get("entry", [])]


async def test_an_approved_discharge_summary_is_written_once_as_78263_1(
    ehr, clinician, named_client
):
    form = SummaryForm("discharge", text="Discharged: goals met. No referral needed.")
    draft, row = await approve_summary(clinician, named_client, form)
    document, text, provenance = read_back(ehr, named_client)
    assert document["type"]["coding"] == [
        {
            "system": "http://loinc.org",
            "code": "78263-1",
            "display": "Mental health Discharge summary note",
        }
    ]
    assert document["meta"]["security"][0]["code"] == "AIAST"
    assert document["description"] == "Discharge summary (AI-assisted, clinician-approved)"
    assert document["id"] == row.document_reference_id
    assert "PHQ-9: 16 (moderately severe) on Jan 5, 2026 → 7 (mild) on Mar 2, 2026" in text
    assert "2 therapy sessions" in text
    [prov] = provenance
    cited = {e["what"].get("reference") for e in prov["entity"]}
    assert any(ref and ref.startswith("Observation/") for ref in cited)
    assert any(ref and ref.startswith("Encounter/") for ref in cited)


async def test_a_deidentified_referral_is_written_as_57133_1_without_name_or_dates(
    ehr, clinician, named_client
):
    form = SummaryForm(
        "referral",
        text="Rosalind Quigley, born 1979-03-14, is referred for a sleep study.",
        items=("course", "measures"),
        deidentify=True,
    )
    await approve_summary(clinician, named_client, form)
    document, text, _ = read_back(ehr, named_client)
    assert document["type"]["coding"][0]["code"] == "57133-1"
    assert "referred for a sleep study" in text
    for identifying in ("Rosalind", "Quigley", "1979", "Jan 5, 2026", "Mar 2, 2026"):
        assert identifying not in text
    assert "PHQ-9: 16 (moderately severe) on [DATE_" in text
    assert "Goal" not in text and "Diagnos" not in text
