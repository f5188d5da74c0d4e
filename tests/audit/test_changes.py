"""django-auditlog records who changed drafts, also over the websocket, without PHI."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from auditlog.models import LogEntry

from copilot.review.models import DraftSection
from tests.web.test_consumer import connect, latest_draft, receive_until, run_draft

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_decision_over_the_websocket_is_logged_with_its_actor_and_no_text(ehr, clinician):
    communicator = await connect(clinician)
    await run_draft(communicator)
    draft = await latest_draft(clinician)
    await communicator.send_json_to(
        {"action": "edit", "section": "plan", "text": "Private plan words.", "draft": str(draft.id)}
    )
    await receive_until(communicator, 'id="approve-bar"')
    await communicator.disconnect()

    section = await DraftSection.objects.aget(draft=draft, key="plan")
    logs = await sync_to_async(list)(
        LogEntry.objects.get_for_object(section).filter(action=LogEntry.Action.UPDATE)
    )
    assert logs, "no auditlog entry for the edited section"
    assert {log.actor_id for log in logs} == {clinician.pk}
    assert "decision" in logs[-1].changes_dict
    assert all("Private plan words." not in str(log.changes) for log in logs)
