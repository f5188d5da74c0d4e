"""Coding suggestions for approved notes of the behavioral-health demo clients, read
against their charts in the sandbox EHR; over HTTP in the draft panel; audited."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from copilot.audit.models import LedgerEntry
from copilot.coding.services import NotApproved, NotCoded, codes_for_draft
from copilot.review import services
from tests.factories import ClinicianFactory, soap_draft

pytestmark = pytest.mark.django_db


def approved_note(author, client_id: str, plan: str):
    draft = soap_draft(author=author, client_id=client_id)
    for section in draft.sections.all():
        text = plan if section.key == "plan" else None
        decision = "edited" if text else "accepted"
        services.section_decide(
            actor=author, draft=draft, key=section.key, decision=decision, text=text
        )
    services.draft_approve(actor=author, draft=draft, idempotency_key=f"k-{draft.pk}")
    return draft


def test_codes_for_a_demo_clients_note_come_from_its_note_and_chart(ehr):
    author = ClinicianFactory().user
    draft = approved_note(author, "bh-006", "Individual psychotherapy, 50 minutes. MI.")
    codes = async_to_sync(codes_for_draft)(actor=author, draft=draft)
    assert [s.code for s in codes.cpt] == ["90834"]
    assert codes.cpt[0].evidence[0].text == "Individual psychotherapy, 50 minutes."
    icd = {s.code: s for s in codes.icd10}
    assert icd["F10.20"].restricted  # bh-006's Part 2 alcohol dependence, labeled
    assert all(s.evidence[0].source.startswith("Condition/") for s in codes.icd10)
    assert "90785" not in [s.code for s in codes.cpt]  # no interactive complexity documented
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.AI_SUGGESTION)
    assert entry.meta["draft"] == str(draft.id) and "CPT 90834" in entry.meta["codes"]


def test_a_draft_not_yet_approved_gets_no_codes(ehr):
    author = ClinicianFactory().user
    draft = soap_draft(author=author, client_id="bh-001")
    with pytest.raises(NotApproved):
        async_to_sync(codes_for_draft)(actor=author, draft=draft)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.AI_SUGGESTION).exists()


def test_the_draft_panel_shows_codes_with_evidence_and_what_is_missing(client, ehr):
    clinician = ClinicianFactory()  # Mei Chen: bh-001 is on her CareTeam
    draft = approved_note(clinician.user, "bh-001", "Continue CBT weekly.")
    client.force_login(clinician.user)
    body = client.get(reverse("draft-codes", args=[draft.id])).content.decode()
    assert "Coding suggestions" in body and "nothing is submitted" in body
    assert "<code>F33.1</code>" in body  # bh-001's recurrent major depression
    assert "No documented time" in body
    assert "<code>9083" not in body  # no time, no psychotherapy code


def test_an_approved_discharge_summary_gets_no_codes_and_no_coding_panel(client, ehr):
    clinician = ClinicianFactory()
    draft = soap_draft(author=clinician.user, client_id="bh-001", template_key="discharge")
    for section in draft.sections.all():
        services.section_decide(
            actor=clinician.user, draft=draft, key=section.key, decision="accepted", text=None
        )
    services.draft_approve(actor=clinician.user, draft=draft, idempotency_key="k-discharge")
    with pytest.raises(NotCoded):
        async_to_sync(codes_for_draft)(actor=clinician.user, draft=draft)
    client.force_login(clinician.user)
    assert client.get(reverse("draft-codes", args=[draft.id])).status_code == 409
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.AI_SUGGESTION).exists()
