"""The sidebar websocket: streaming, cancel, LLM failure, risk gating, review actions, bad input."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from copilot.accounts.models import Clinician
from copilot.audit.crypto import decrypt
from copilot.audit.models import LedgerEntry
from copilot.review.models import ComposerText, Draft, DraftSection, WriteBack
from tests.websocket import sidebar_socket

pytestmark = pytest.mark.django_db(transaction=True)

NOTES = (
    "Pt. reports sleeping 6 hours most nights since starting the wind-down routine. "
    "Mood euthymic, affect bright, good eye contact. Thought process linear. "
    "We practiced cognitive restructuring of self-critical thoughts. "
    "Client is making progress toward the sleep goal. Denies SI/HI. "
    "Plan: continue CBT next week and keep the activity log."
)
LLM_NOTE = (
    "## subjective\nClient reported sleeping 6 hours most nights.\n"
    "## objective\nMood euthymic, affect bright.\n"
    "## assessment\nClient is making progress toward the sleep goal.\n"
    "## plan\nContinue CBT next week.\n"
)
SECTION_STARTED = re.compile(r'<article id="section-([a-z]+)" class="section streaming">')


async def connect(user, client_id: str = "bh-001") -> WebsocketCommunicator:
    communicator = await sidebar_socket(user, client_id)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


WAIT_SECONDS = 60


async def receive_until(communicator, pattern: str) -> list[str]:
    """Every message up to and including the first one matching `pattern`."""
    messages = []
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            message = await communicator.receive_from(timeout=WAIT_SECONDS)
            messages.append(message)
            if re.search(pattern, message):
                return messages


async def ledger_entry_of(draft: Draft) -> LedgerEntry:
    """The one AI-draft ledger entry of `draft` (fails if there are none or several)."""
    return await LedgerEntry.objects.filter(kind="ai.draft", meta__draft=str(draft.id)).aget()


def draft_panel_done(draft_status: str = r"(?:draft ·|Draft stopped)") -> str:
    return rf'id="draft-panel"[\s\S]*{draft_status}'


async def latest_draft(user) -> Draft:
    return await sync_to_async(
        lambda: Draft.objects.filter(author=user).prefetch_related("sections").latest("created_at")
    )()


@pytest.fixture
def use_llm(settings, monkeypatch):
    """Switch drafting to the llm engine with a fake chat model; returns a setter."""
    settings.DRAFT_ENGINE = "llm"
    settings.LLM_PROVIDER = "fake"

    def install(model: FakeListChatModel) -> FakeListChatModel:
        monkeypatch.setattr("copilot.drafting.engines.get_llm", lambda: model)
        return model

    return install


async def test_a_socket_without_a_signed_in_clinician_is_refused():
    communicator = await sidebar_socket(None)
    connected, _ = await communicator.connect()
    assert not connected


async def test_grounded_sections_stream_in_template_order_and_persist(ehr, clinician):
    communicator = await connect(clinician)
    await communicator.send_json_to({"action": "draft", "template": "birp", "text": NOTES})

    messages = await receive_until(communicator, draft_panel_done())

    started = [m.group(1) for msg in messages for m in SECTION_STARTED.finditer(msg)]
    assert started == ["behavior", "intervention", "response", "plan"]
    assert any("Writing Intervention…" in msg for msg in messages)
    draft = await latest_draft(clinician)
    assert draft.status == Draft.Status.COMPLETE
    assert [s.key for s in draft.sections.all()] == started
    assert all(s.decision == DraftSection.Decision.PENDING for s in draft.sections.all())
    entry = await ledger_entry_of(draft)
    assert (entry.outcome, entry.meta["engine"], entry.meta["sections"]) == ("ok", "grounded", 4)
    assert entry.actor_id == clinician.pk
    await communicator.disconnect()


async def test_llm_tokens_stream_into_their_section_as_they_arrive(ehr, clinician, use_llm):
    use_llm(FakeListChatModel(responses=[LLM_NOTE]))
    communicator = await connect(clinician)
    await communicator.send_json_to({"action": "draft", "template": "soap", "text": NOTES})

    messages = await receive_until(communicator, draft_panel_done())

    tokens = re.findall(
        r'<div id="section-subjective-body" hx-swap-oob="beforeend">([^<]*)</div>',
        "".join(messages),
    )
    assert len(tokens) > 10  # streamed piece by piece, not in one block
    assert "".join(tokens).strip() == "Client reported sleeping 6 hours most nights."
    draft = await latest_draft(clinician)
    assert (draft.status, draft.engine_name) == (Draft.Status.COMPLETE, "llm")
    content = json.loads(decrypt((await ledger_entry_of(draft)).content))
    assert content["sent"]["external"] is True  # an unknown provider counts as external
    assert NOTES[:40] in content["sent"]["payload"] and "Thompson" not in content["sent"]["payload"]
    assert [s.key for s in draft.sections.all()] == [
        "subjective",
        "objective",
        "assessment",
        "plan",
    ]
    await communicator.disconnect()


async def test_cancel_stops_generation_and_keeps_an_unapprovable_draft(ehr, clinician, use_llm):
    use_llm(FakeListChatModel(responses=[LLM_NOTE], sleep=0.05))
    communicator = await connect(clinician)
    await communicator.send_json_to({"action": "draft", "template": "soap", "text": NOTES})
    await receive_until(communicator, r'id="section-subjective-body" hx-swap-oob')
    draft = await latest_draft(clinician)

    await communicator.send_json_to({"action": "cancel", "draft": str(draft.id)})
    messages = await receive_until(communicator, draft_panel_done("Draft stopped"))

    assert "cancelled by the clinician" in messages[-1]
    draft = await latest_draft(clinician)
    assert draft.status == Draft.Status.INCOMPLETE
    assert (await ledger_entry_of(draft)).outcome == "cancelled"
    assert await sync_to_async(draft.sections.count)() < 4
    await communicator.send_json_to(
        {"action": "approve", "draft": str(draft.id), "idempotency_key": "k"}
    )
    notice = await communicator.receive_from()
    assert "incomplete" in notice
    await communicator.disconnect()


async def test_an_llm_failure_mid_stream_keeps_the_finished_sections(ehr, clinician, use_llm):
    failing_at = LLM_NOTE.index("## assessment\n") + len("## assessment\n") + 5
    use_llm(FakeListChatModel(responses=[LLM_NOTE], error_on_chunk_number=failing_at))
    communicator = await connect(clinician)
    await communicator.send_json_to({"action": "draft", "template": "soap", "text": NOTES})

    messages = await receive_until(communicator, draft_panel_done("Draft stopped"))

    assert "The AI model failed (FakeListChatModelError)" in messages[-1]
    draft = await latest_draft(clinician)
    assert draft.status == Draft.Status.INCOMPLETE
    assert [s.key for s in draft.sections.all()] == ["subjective", "objective"]
    assert "cannot be approved" in messages[-1]
    entry = await ledger_entry_of(draft)
    assert (entry.outcome, entry.meta["engine"]) == ("error", "llm")
    await communicator.disconnect()


async def run_draft(communicator, text: str = NOTES, template: str = "soap") -> None:
    await communicator.send_json_to({"action": "draft", "template": template, "text": text})
    await receive_until(communicator, draft_panel_done())


async def test_a_positive_risk_flag_gates_approval_until_acknowledged(ehr, clinician):
    communicator = await connect(clinician)
    await run_draft(
        communicator,
        "Client endorsed passive suicidal ideation this week, denied plan or intent. "
        "Mood low, affect constricted. Thought process linear. We reviewed the safety plan. "
        "Client is making slow progress. Plan: continue weekly sessions and call 988 if needed.",
    )
    draft = await latest_draft(clinician)
    flag = await sync_to_async(lambda: draft.risk_flags.filter(negated=False).first())()
    assert flag is not None and flag.kind == "suicidal_ideation"
    for section in draft.sections.all():
        await communicator.send_json_to(
            {
                "action": "edit",
                "draft": str(draft.id),
                "section": section.key,
                "text": f"{section.title} reviewed by the clinician.",
            }
        )
        await receive_until(communicator, 'id="approve-bar"')

    await communicator.send_json_to(
        {"action": "approve", "draft": str(draft.id), "idempotency_key": "k"}
    )
    assert "Acknowledge the risk flag" in await communicator.receive_from()

    await communicator.send_json_to(
        {"action": "acknowledge", "draft": str(draft.id), "flag": str(flag.pk)}
    )
    messages = await receive_until(communicator, 'id="approve-bar"')
    assert "Acknowledged." in messages[0]
    assert "disabled" not in messages[-1]
    await communicator.disconnect()


async def test_every_review_action_is_stored_and_answered_with_html(ehr, clinician):
    communicator = await connect(clinician)
    await run_draft(communicator)
    draft = await latest_draft(clinician)
    ident = {"draft": str(draft.id)}

    await communicator.send_json_to({"action": "accept", "section": "subjective", **ident})
    accepted = await receive_until(communicator, 'id="approve-bar"')
    assert 'id="section-subjective" class="section decision-accepted"' in accepted[0]
    await communicator.send_json_to({"action": "reject", "section": "assessment", **ident})
    rejected = await receive_until(communicator, 'id="approve-bar"')
    assert "Rejected: left out of the note." in rejected[0]
    await communicator.send_json_to(
        {"action": "edit", "section": "objective", "text": "Affect bright.", **ident}
    )
    edited = await receive_until(communicator, 'id="approve-bar"')
    assert not any('id="section-objective"' in m for m in edited)  # the textarea stays put
    await communicator.send_json_to(
        {"action": "edit", "section": "plan", "text": "Continue CBT next week.", **ident}
    )
    await receive_until(communicator, 'id="approve-bar"')

    decisions = await sync_to_async(lambda: dict(draft.sections.values_list("key", "decision")))()
    assert decisions == {
        "subjective": "accepted",
        "objective": "edited",
        "assessment": "rejected",
        "plan": "edited",
    }
    await communicator.send_json_to({"action": "approve", "idempotency_key": "k", **ident})
    approved = await receive_until(communicator, 'id="draft-panel"')
    assert "Approved" in approved[-1]
    assert await sync_to_async(WriteBack.objects.filter(approval__draft=draft).count)() == 1
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("template", "text", "message"),
    [
        ("soap", "   ", "Type or paste your session notes or a transcript first."),
        ("soap", "x" * 60_001, "the limit is 60,000"),
        ("sbar", NOTES, "There is no note template"),
    ],
)
async def test_bad_input_gets_a_message_beside_the_form_and_keeps_the_text(
    ehr, clinician, template, text, message
):
    communicator = await connect(clinician)
    await communicator.send_json_to({"action": "draft", "template": template, "text": text})
    reply = await communicator.receive_from()
    assert 'id="composer"' in reply and message in reply
    if text.strip():
        assert text[:200] in reply  # what was typed is still in the textarea
    saved = await sync_to_async(ComposerText.objects.get)(author=clinician, client_id="bh-001")
    assert saved.text == text
    assert not await sync_to_async(Draft.objects.exists)()
    await communicator.disconnect()


async def test_a_client_missing_from_the_ehr_gets_a_clear_message(ehr, clinician):
    from copilot.access.models import CaseloadAssignment

    await CaseloadAssignment.objects.acreate(
        clinician=await Clinician.objects.aget(user=clinician), client_id="not-in-ehr"
    )
    communicator = await connect(clinician, client_id="not-in-ehr")
    await communicator.send_json_to({"action": "draft", "template": "soap", "text": NOTES})
    reply = await communicator.receive_from()
    assert "This client is not in the EHR" in reply
    assert "Pt. reports sleeping 6 hours" in reply
    await communicator.disconnect()


async def test_actions_on_someone_elses_draft_are_refused(ehr, clinician):
    from tests.factories import soap_draft

    other = await sync_to_async(soap_draft)()
    communicator = await connect(clinician)
    await communicator.send_json_to({"action": "accept", "draft": str(other.id), "section": "plan"})
    assert "That draft is not available." in await communicator.receive_from()
    same_user_other_client = await sync_to_async(soap_draft)(author=clinician, client_id="bh-002")
    await communicator.send_json_to(
        {"action": "reject", "draft": str(same_user_other_client.id), "section": "plan"}
    )
    assert "That draft is not available." in await communicator.receive_from()
    decisions = await sync_to_async(
        lambda: set(DraftSection.objects.values_list("decision", flat=True))
    )()
    assert decisions == {DraftSection.Decision.PENDING}
    await communicator.disconnect()


@pytest.mark.services
async def test_an_idle_socket_on_the_redis_channel_layer_stays_open(ehr, clinician, settings):
    """redis-py 8 reads with a 5 s socket timeout by default, shorter than the channel
    layer's blocking receive (BZPOPMIN, 5 s): without a longer timeout every idle
    consumer was torn down after ~5 s (django/channels_redis#422)."""
    from channels.layers import get_channel_layer

    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    communicator = await connect(clinician)
    await asyncio.sleep(12)  # idle: two blocking receives time out on the server side

    await communicator.send_json_to({"action": "draft", "template": "birp", "text": NOTES})

    messages = await receive_until(communicator, draft_panel_done())
    assert any(SECTION_STARTED.search(m) for m in messages)
    await communicator.disconnect()
