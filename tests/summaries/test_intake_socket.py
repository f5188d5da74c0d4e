"""The intake assessment in the sidebar's socket: chosen like any template, drafted with
no text, and a chart without an intake answered in the form, the text kept."""

from __future__ import annotations

import pytest

from copilot.review.models import ComposerText, Draft
from tests.web.test_consumer import SECTION_STARTED, connect, draft_panel_done, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_intake_drafted_with_no_text_streams_its_sections_in_order(ehr, clinician):
    communicator = await connect(clinician, "bh-001")
    await communicator.send_json_to({"action": "draft", "template": "intake", "text": ""})

    messages = await receive_until(communicator, draft_panel_done())

    started = [m.group(1) for msg in messages for m in SECTION_STARTED.finditer(msg)]
    assert started == ["risk", "presenting", "history", "scores", "impressions"]
    assert any("Intake assessment drafts from the chart" in msg for msg in messages)
    draft = await Draft.objects.filter(author=clinician).alatest("created_at")
    assert (draft.template_key, draft.status, draft.input_text) == ("intake", "complete", "")
    await communicator.disconnect()


async def test_a_chart_without_an_intake_is_told_so_and_the_text_is_kept(
    ehr, clinician, new_client
):
    communicator = await connect(clinician, new_client)
    text = "Client arrived early and was anxious."
    await communicator.send_json_to({"action": "draft", "template": "intake", "text": text})

    [message] = await receive_until(communicator, "composer-error")

    assert "No intake questionnaire is on this chart." in message
    assert text in message
    saved = await ComposerText.objects.aget(author=clinician, client_id=new_client)
    assert (saved.template_key, saved.text) == ("intake", text)
    assert not await Draft.objects.filter(client_id=new_client).aexists()
    await communicator.disconnect()
