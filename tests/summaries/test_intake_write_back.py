"""An approved intake assessment reaches the sandbox EHR over HTTP once, as a
DocumentReference of type LOINC 78306-8, AI-labelled, with its Provenance."""

from __future__ import annotations

import base64
import json
import re
import urllib.request

import pytest
from asgiref.sync import sync_to_async

from copilot.review import outbox, services
from copilot.review.models import Approval, Draft

from .intake_support import draft_intake, fresh_intake_client

pytestmark = pytest.mark.django_db(transaction=True)
ITEM9 = "Thoughts that you would be better off dead — 1 (linkId 44260-8)"


def fhir_get(base_url: str, query: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/{query}", timeout=10) as response:
        return json.load(response)


def review(draft: Draft) -> None:
    """Acknowledge every positive flag; accept each section with its placeholders removed."""
    for flag in draft.risk_flags.filter(negated=False):
        services.flag_acknowledge(actor=draft.author, draft=draft, flag_id=flag.pk)
    for section in draft.sections.all():
        text = re.sub(r"\s*\[clinician to complete: [^\]]*\]", "", section.ai_text).strip()
        if section.key == "impressions":
            text = "Panic disorder to be assessed at the next session."
        services.section_decide(
            actor=draft.author, draft=draft, key=section.key, decision="edited", text=text
        )


async def test_an_approved_intake_is_written_once_as_a_78306_8_document(
    ehr, clinician, sandbox_control
):
    intake_client = fresh_intake_client(sandbox_control)
    client_id, intake_id = intake_client["client"], intake_client["intake"]
    draft = await draft_intake(clinician, client_id)
    risk = next(s for s in draft.sections.all() if s.key == "risk")
    assert risk.ai_text.startswith(f"Positive risk item (thoughts of suicide): {ITEM9}.")
    assert [f.quote for f in draft.risk_flags.all() if not f.negated] == [ITEM9]

    await sync_to_async(review)(draft)
    draft = await Draft.objects.aget(pk=draft.pk)  # as decided, not as prefetched
    approval = await sync_to_async(services.draft_approve)(
        actor=clinician, draft=draft, idempotency_key="tab-1"
    )
    assert isinstance(approval, Approval)
    write_back = await sync_to_async(lambda: approval.write_back)()
    await outbox.deliver(write_back.pk)
    again = await sync_to_async(services.draft_approve)(
        actor=clinician, draft=draft, idempotency_key="tab-2"
    )
    assert again.pk == approval.pk

    found = fhir_get(ehr.base_url, f"DocumentReference?subject=Patient/{client_id}")
    assert found["total"] == 1
    document = found["entry"][0]["resource"]
    assert document["type"]["coding"] == [
        {
            "system": "http://loinc.org",
            "code": "78306-8",
            "display": "Mental health History and physical note",
        }
    ]
    assert document["docStatus"] == "final"
    assert {"code": "AIAST"}.items() <= document["meta"]["security"][0].items()
    assert document["content"][0]["attachment"]["title"] == "Intake assessment"
    text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode()
    assert text.startswith(f"Risk and safety:\nPositive risk item (thoughts of suicide): {ITEM9}.")
    assert "Presenting problem, in the client's words: Panic attacks on the train." in text
    assert "PHQ-9 total 16 (moderately severe) at intake on Jan 5, 2026." in text
    assert "GAD-7 total 12 (moderate) at intake on Jan 5, 2026." in text
    assert "Initial impressions:\nPanic disorder to be assessed at the next session." in text
    assert "[clinician to complete" not in text
    provenance = fhir_get(ehr.base_url, f"Provenance?target=DocumentReference/{document['id']}")
    assert provenance["total"] == 1
    entities = [e["what"].get("reference") for e in provenance["entry"][0]["resource"]["entity"]]
    assert f"QuestionnaireResponse/{intake_id}" in entities
