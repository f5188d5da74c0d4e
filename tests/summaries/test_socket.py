"""Summaries over the sidebar socket: the forms, the streamed draft, what the draft,
its flags and the ledger hold (nothing unselected, nothing identifying when asked), and
nothing sent to a model."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from copilot.audit.crypto import decrypt
from copilot.audit.models import LedgerEntry
from copilot.deid.recognizers import date_forms
from copilot.ehr import get_gateway
from copilot.review.models import Draft
from tests.deid.conftest import RecordingChatModel
from tests.factories import ClinicianFactory
from tests.web.test_consumer import connect, draft_panel_done, latest_draft, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rivera(db):
    """Elena Rivera, bh-008's therapist in the sandbox."""
    return ClinicianFactory(practitioner_id="pr-rivera", display_name="Elena Rivera").user


async def summarize(communicator, **fields) -> list[str]:
    await communicator.send_json_to({"action": "summarize", **fields})
    return await receive_until(communicator, draft_panel_done())


@sync_to_async
def held(draft: Draft) -> str:
    """Everything stored about the draft as text: input, sections (AI text and sentence
    JSON), risk flag quotes and the ledger's decrypted content."""
    draft = Draft.objects.get(pk=draft.pk)
    parts = [draft.input_text]
    for section in draft.sections.all():
        parts += [section.ai_text, json.dumps(section.sentences)]
    parts += [flag.quote for flag in draft.risk_flags.all()]
    for entry in LedgerEntry.objects.filter(client_id=draft.client_id, meta__draft=str(draft.id)):
        parts.append(decrypt(entry.content).decode("utf-8"))
    return "\n".join(str(p) for p in parts)


async def test_a_discharge_summary_streams_into_the_drafting_panel(ehr, clinician):
    communicator = await connect(clinician, "bh-001")
    messages = await summarize(communicator, template="discharge", text="")
    assert any('id="summary-discharge"' in m and 'data-drafted="true"' in m for m in messages)
    draft = await latest_draft(clinician)
    assert (draft.template_key, draft.status, draft.engine_name) == (
        "discharge",
        Draft.Status.COMPLETE,
        "summary",
    )
    keys = [s.key for s in draft.sections.all()]
    assert keys == ["course", "interventions", "measures", "goals", "risk", "aftercare"]
    assert any('id="section-measures"' in m and "PHQ-9: 19" in m for m in messages)
    await communicator.disconnect()


async def test_a_referral_holds_only_the_ticked_items(ehr, rivera):
    communicator = await connect(rivera, "bh-008")
    await summarize(
        communicator,
        template="referral",
        include=["diagnoses", "measures"],
        text="Referred for a psychiatric medication evaluation.",
    )
    draft = await latest_draft(rivera)
    assert [s.key for s in draft.sections.all()] == ["reason", "diagnoses", "measures"]
    stored = await held(draft)
    assert "F33.1" in stored and "PHQ-9: 10" in stored
    # bh-008's chart holds all of these; none was ticked.
    for unselected in (
        "not to wake up",  # risk history (session 4)
        "item 9",
        "Reduce PHQ-9 total below 10",  # goals
        "sertraline",  # medications
        "behavioral activation",  # interventions
        "therapy sessions",  # course dates
        "safety plan",
    ):
        assert unselected.lower() not in stored.lower(), unselected
    assert await sync_to_async(draft.risk_flags.count)() == 0
    await communicator.disconnect()


async def test_a_single_ticked_item_arrives_as_a_string(ehr, rivera):
    communicator = await connect(rivera, "bh-008")
    await summarize(communicator, template="referral", include="risk", text="")
    draft = await latest_draft(rivera)
    assert [s.key for s in draft.sections.all()] == ["reason", "risk"]
    texts = {s.key: s.ai_text for s in draft.sections.all()}
    assert "easier not to wake up" in texts["risk"]
    assert texts["reason"] == "[clinician to complete: reason for referral]"
    await communicator.disconnect()


async def test_a_deidentified_referral_holds_no_name_birth_date_or_mrn(ehr, clinician):
    communicator = await connect(clinician, "bh-001")
    notes = (
        "Maya Thompson (MRN BH100237) is referred to the psychiatry clinic. "
        "Ms. Thompson asks for an appointment before the holidays."
    )
    await summarize(
        communicator,
        template="referral",
        include=["course", "measures", "risk", "diagnoses"],
        deidentify="yes",
        text=notes,
    )
    draft = await latest_draft(clinician)
    stored = await held(draft)
    assert "[CLIENT" in stored and "referred to the psychiatry clinic" in stored
    birth = await _birth_forms("bh-001")
    for identifying in ("Maya", "Thompson", "BH100237", "Mei Chen", *birth):
        assert identifying not in stored, identifying
    course = next(s.ai_text for s in draft.sections.all() if s.key == "course")
    assert "therapy sessions" in course and "2026" not in course  # dates replaced
    await communicator.disconnect()


async def _birth_forms(client_id: str) -> list[str]:
    chart = await get_gateway().chart(client_id)
    return date_forms(chart.client.birth_date)


async def test_bad_input_comes_back_with_its_message_and_what_was_typed(ehr, clinician):
    communicator = await connect(clinician, "bh-001")
    await communicator.send_json_to(
        {"action": "summarize", "template": "referral", "text": "   ", "deidentify": "yes"}
    )
    [reply] = await receive_until(communicator, 'id="summary-referral"')
    assert "Tick at least one item to include, or write the reason for referral." in reply
    assert 'aria-invalid="true"' in reply
    assert 'name="deidentify" value="yes" checked' in reply
    long = "x" * 70_000
    await communicator.send_json_to({"action": "summarize", "template": "discharge", "text": long})
    [reply] = await receive_until(communicator, 'id="summary-discharge"')
    assert "the limit is 60,000" in reply and long in reply
    await communicator.send_json_to({"action": "summarize", "template": "soap", "text": "Hi"})
    [reply] = await receive_until(communicator, "There is no summary")
    assert await sync_to_async(Draft.objects.filter(author=clinician).count)() == 0
    await communicator.disconnect()


async def test_a_referral_sends_nothing_to_a_model_even_with_the_llm_engine(
    ehr, clinician, settings, monkeypatch
):
    settings.DRAFT_ENGINE = "llm"
    settings.LLM_PROVIDER = "openai"
    model = RecordingChatModel(responses=["## goals\nInvented.\n"])
    monkeypatch.setattr("copilot.drafting.engines.get_llm", lambda: model)
    communicator = await connect(clinician, "bh-001")
    await summarize(communicator, template="referral", include=["goals"], text="")
    assert model.sent == []
    draft = await latest_draft(clinician)
    assert "Invented" not in await held(draft)
    await communicator.disconnect()


DISCHARGE_REPLY = (
    "## course\nMaya Thompson was treated for major depressive disorder, recurrent, "
    "moderate (F33.1). She was also treated for bipolar disorder.\n"
    "## interventions\nBehavioral activation was named in 2 notes.\n"
)


async def test_with_the_llm_engine_the_model_writes_a_discharge_narrative_from_deidentified_facts(
    ehr, clinician, settings, monkeypatch
):
    settings.DRAFT_ENGINE = "llm"
    settings.LLM_PROVIDER = "openai"
    model = RecordingChatModel(responses=[DISCHARGE_REPLY])
    monkeypatch.setattr("copilot.drafting.engines.get_llm", lambda: model)
    communicator = await connect(clinician, "bh-001")
    await summarize(communicator, template="discharge", text="Discharged: goals met.")
    await communicator.disconnect()

    draft = await latest_draft(clinician)
    assert (draft.engine_name, draft.engine_version, draft.status) == (
        "llm",
        "discharge_v1",
        "complete",
    )
    sections = {s.key: s async for s in draft.sections.all()}
    keys = ["course", "interventions", "measures", "goals", "risk", "aftercare"]
    assert list(sections) == keys
    course = sections["course"].sentences
    assert course[0]["supported"]
    assert course[0]["sources"] == [{"reference": "Condition/dx-bh-001-1"}]  # F33.1
    assert [s["supported"] for s in course if "bipolar" in s["text"]] == [False]
    assert sections["measures"].ai_text.startswith("PHQ-9: 19 (moderately severe)")
    [sent] = model.sent
    assert "Major depressive disorder, recurrent, moderate" in sent
    assert "Behavioral activation" in sent or "behavioral activation" in sent
    assert "Maya" not in sent and "Thompson" not in sent  # de-identified
    assert "PHQ-9" not in sent and "Discharged: goals met." in sent  # not the model's sections
    entry = await LedgerEntry.objects.filter(kind="ai.draft", meta__draft=str(draft.id)).aget()
    assert entry.meta["engine"] == "llm"
