"""Group session drafting on the sandbox's DBT skills group: one draft per attending
member holding the shared content and only that member's participation."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import sync_to_async

from copilot.audit.models import LedgerEntry
from copilot.groups import services
from copilot.groups.models import GroupNote
from copilot.review.models import Draft
from tests.deid.conftest import RecordingChatModel

from .conftest import DBT_GROUP, FORMS, OWN, TRANSCRIPT, foreign_forms

pytestmark = pytest.mark.django_db(transaction=True)
CHEN_CASELOAD = frozenset({"bh-001", "bh-004"})
LLM_REPLY = (
    "## topic\nThe group learned the TIPP skill.\n## participation\nThe client took part.\n"
    "## response\nEngaged.\n## plan\nPractice TIPP daily.\n"
)


def named(form: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text, re.IGNORECASE) is not None


async def draft_session(gateway, clinician, ticked=("bh-001", "bh-004"), text=TRANSCRIPT):
    roster = await gateway.group_roster(DBT_GROUP)
    attending = services.attendance_validate(roster=roster, caseload=CHEN_CASELOAD, ticked=ticked)
    return await services.group_session_draft(
        actor=clinician, roster=roster, attending=attending, text=text, gateway=gateway
    )


@sync_to_async
def member_drafts(session) -> dict[str, dict]:
    """Per member: the draft, everything it holds as text (sections, input, flags)."""
    found = {}
    for note in GroupNote.objects.filter(session=session).select_related("draft"):
        draft = note.draft
        sections = list(draft.sections.order_by("position"))
        held = [draft.input_text, *(s.ai_text for s in sections)]
        held += [f.quote for f in draft.risk_flags.all()]
        found[note.client_id] = {"draft": draft, "sections": sections, "text": "\n".join(held)}
    return found


async def test_each_attending_member_gets_a_group_draft_of_their_own(ehr, gateway, clinician):
    session = await draft_session(gateway, clinician)
    drafts = await member_drafts(session)
    assert sorted(drafts) == ["bh-001", "bh-004"]  # Sofia (bh-007) was not ticked
    for client_id, found in drafts.items():
        draft = found["draft"]
        assert (draft.template_key, draft.status, draft.client_id) == (
            "group",
            "complete",
            client_id,
        )
        assert [s.key for s in found["sections"]] == ["topic", "participation", "response", "plan"]
        notes = "\n".join(s.ai_text for s in found["sections"])
        assert "TIPP skill for distress tolerance" in notes  # the shared content
        assert "paced breathing and paired muscle relaxation" in notes
        assert OWN[client_id] in notes  # their own participation


async def test_no_member_draft_holds_another_members_name_id_mrn_or_words(ehr, gateway, clinician):
    drafts = await member_drafts(await draft_session(gateway, clinician))
    for client_id, found in drafts.items():
        leaked = [f for f in foreign_forms(client_id) if named(f, found["text"])]
        assert leaked == [], client_id
        others = [own for member, own in OWN.items() if member != client_id]
        assert [o for o in others if o in found["text"]] == [], client_id


async def test_the_shared_content_goes_to_the_group_topic_section(ehr, gateway, clinician):
    drafts = await member_drafts(await draft_session(gateway, clinician))
    for client_id, found in drafts.items():
        topic = found["sections"][0]
        assert "Today the group is learning the TIPP skill" in topic.ai_text
        assert OWN[client_id] not in topic.ai_text
        assert "everyone will log one TIPP practice a day" in found["sections"][3].ai_text


async def test_each_member_draft_has_its_own_ledger_entry(ehr, gateway, clinician):
    session = await draft_session(gateway, clinician)
    drafts = await member_drafts(session)
    for client_id, found in drafts.items():
        entry = await LedgerEntry.objects.aget(kind="ai.draft", meta__draft=str(found["draft"].id))
        assert entry.client_id == client_id
        assert entry.meta["purpose"] == "progress note (group)"


async def test_a_member_not_on_the_caseload_cannot_be_ticked(gateway, db):
    roster = await gateway.group_roster(DBT_GROUP)
    for ticked in (["bh-001", "bh-007"], ["bh-003"], []):
        with pytest.raises(services.GroupInputError) as caught:
            services.attendance_validate(roster=roster, caseload=CHEN_CASELOAD, ticked=ticked)
        assert caught.value.field == "attending"
        assert not any(named(f, caught.value.message) for f in FORMS["bh-007"])


async def test_attendance_offers_only_caseload_members_and_counts_the_others(gateway):
    roster = await gateway.group_roster(DBT_GROUP)
    attendance = services.group_attendance(roster, CHEN_CASELOAD)
    assert [m.client_id for m in attendance.eligible] == ["bh-001", "bh-004"]
    assert attendance.others == 1


async def test_empty_input_creates_nothing(ehr, gateway, clinician):
    with pytest.raises(services.GroupInputError, match="Type or paste"):
        await draft_session(gateway, clinician, text="   ")
    assert await Draft.objects.acount() == 0


async def test_llm_prompts_are_deidentified_against_each_members_chart(
    ehr, gateway, clinician, settings, monkeypatch
):
    settings.DRAFT_ENGINE, settings.LLM_PROVIDER = "llm", "openai"
    model = RecordingChatModel(responses=[LLM_REPLY])
    monkeypatch.setattr("copilot.drafting.engines.get_llm", lambda: model)
    drafts = await member_drafts(await draft_session(gateway, clinician))
    assert len(model.sent) == 2
    assert {found["draft"].status for found in drafts.values()} == {"complete"}
    for payload in model.sent:
        assert [f for forms in FORMS.values() for f in forms if named(f, payload)] == []
        assert "TIPP skill for distress tolerance" in payload
    assert {own for own in OWN.values() if any(own in p for p in model.sent)} == {
        OWN["bh-001"],
        OWN["bh-004"],
    }
