"""The inbox against the sandbox EHR: sorted once and audited, urgent first and never
answered from a template, escalated when left unacknowledged, replies drafted from the
practice's templates and written back once as a Communication in reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from copilot.accounts.models import Clinician
from copilot.audit.models import LedgerEntry
from copilot.inbox import services
from copilot.inbox.models import MessageTriage, OutgoingMessage
from tests.factories import ClinicianFactory

from .conftest import fhir_search

pytestmark = pytest.mark.django_db
URGENT = "I don't really see the point anymore. I've been giving my things away to my brother."
SCHEDULING = "Hi Rosa, could we move Thursday's session to Friday? Work moved a meeting. Jordan"
BILLING = "My insurance changed to Aetna this month, do you need my new card?"


def inbox(user, **kwargs):
    return async_to_sync(services.inbox_for)(user, **kwargs)


def test_the_inbox_sorts_each_message_once_urgent_first_with_its_reasons(world):
    routine = world.message(SCHEDULING, minutes_ago=5)
    urgent = world.message(URGENT, minutes_ago=60)
    billing = world.message(BILLING, minutes_ago=30)

    found = inbox(world.clinician)

    assert [i.message.id for i in found.items] == [urgent, billing, routine]
    assert [i.triage.category for i in found.items] == ["urgent", "billing", "scheduling"]
    first = found.items[0]
    assert first.client_name == "Jordan Lee" and found.urgent_open == 1
    assert "giving things away" in first.triage.families
    marked = "".join(piece for piece, is_reason in first.highlighted if is_reason)
    assert "giving my things away" in marked
    assert "".join(piece for piece, _ in first.highlighted) == URGENT
    entries = LedgerEntry.objects.filter(kind="ai.triage", client_id=world.client_id)
    assert entries.count() == 3

    inbox(world.clinician)  # read again: nothing is sorted twice

    assert LedgerEntry.objects.filter(kind="ai.triage", client_id=world.client_id).count() == 3


def test_only_messages_from_clients_on_the_caseload_are_shown(world, sandbox_control):
    stranger = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": ["Not"], "family": "Mine"}]}
    )
    sandbox_control.create(
        {
            "resourceType": "Communication",
            "status": "in-progress",
            "sender": {"reference": f"Patient/{stranger['id']}"},
            "recipient": [{"reference": f"Practitioner/{world.practitioner_id}"}],
            "sent": datetime.now(tz=UTC).isoformat(timespec="seconds"),
            "payload": [{"contentString": "Can I book an intake?"}],
        }
    )
    mine = world.message(SCHEDULING)

    assert [i.message.id for i in inbox(world.clinician).items] == [mine]


def test_an_urgent_message_is_never_answered_from_a_template(world):
    urgent = world.message(URGENT)
    row = inbox(world.clinician).items[0].triage

    with pytest.raises(services.InboxError, match="never answered from a template"):
        async_to_sync(services.reply_draft)(actor=world.clinician, triage_row=row)

    assert not OutgoingMessage.objects.exists()
    services.acknowledge(actor=world.clinician, triage_row=row)
    services.acknowledge(actor=world.clinician, triage_row=row)  # once
    assert MessageTriage.objects.get(communication_id=urgent).acknowledged_by == world.clinician
    assert LedgerEntry.objects.filter(kind="message.acknowledge").count() == 1


def test_an_unacknowledged_urgent_message_escalates_to_the_supervisor_once(world):
    supervisor = ClinicianFactory(
        practitioner_id="pr-rivera", display_name="Elena Rivera", role=Clinician.Role.SUPERVISOR
    )
    supervisor.user.email = "rivera@example.org"
    supervisor.user.save()
    urgent = world.message(URGENT)
    world.message(SCHEDULING)
    inbox(world.clinician)

    assert services.escalate_due() == []  # not yet: within INBOX_ESCALATION_MINUTES
    later = timezone.now() + timedelta(minutes=16)
    escalated = services.escalate_due(now=later)

    assert [r.communication_id for r in escalated] == [urgent]
    assert list(escalated[0].escalated_to.all()) == [supervisor.user]
    assert services.escalate_due(now=later + timedelta(minutes=30)) == []
    entry = LedgerEntry.objects.get(kind="message.escalate")
    assert entry.meta["supervisors"] == [supervisor.user.pk]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rivera@example.org"]
    assert "Jordan" not in mail.outbox[0].body and "Lee" not in mail.outbox[0].body
    seen = inbox(supervisor.user)
    assert [i.message.id for i in seen.escalations] == [urgent]
    assert seen.escalations[0].escalated_from == "Rosa Quill"


def test_an_acknowledged_urgent_message_does_not_escalate(world):
    world.message(URGENT)
    row = inbox(world.clinician).items[0].triage
    services.acknowledge(actor=world.clinician, triage_row=row)

    assert services.escalate_due(now=timezone.now() + timedelta(hours=2)) == []


def test_a_scheduling_reply_is_filled_from_the_schedule_and_written_once(world, ehr):
    next_session = world.appointment(datetime.now(tz=UTC) + timedelta(days=3))
    message_id = world.message(SCHEDULING)
    row = inbox(world.clinician).items[0].triage

    reply = async_to_sync(services.reply_draft)(actor=world.clinician, triage_row=row)

    assert reply.ai_text.startswith("Hi Jordan,") and "Rosa Quill" in reply.ai_text
    assert "Your next session is currently booked for" in reply.ai_text
    assert f"Appointment/{next_session}" in reply.sources and not reply.suggestion
    with pytest.raises(services.InboxError, match="Accept or edit"):
        services.approve(actor=world.clinician, message=reply, idempotency_key="k1")
    reply = services.decide(actor=world.clinician, message=reply, decision="accepted")
    for _ in range(2):  # a double click approves and writes once
        approved = services.approve(actor=world.clinician, message=reply, idempotency_key="k1")
        sent = async_to_sync(services.deliver)(approved.pk)

    assert sent.status == "written"
    written = fhir_search(ehr.base_url, f"Communication?identifier=urn:uuid:{reply.id}")
    assert len(written) == 1
    communication = written[0]
    assert communication["inResponseTo"] == [{"reference": f"Communication/{message_id}"}]
    assert communication["recipient"] == [{"reference": f"Patient/{world.client_id}"}]
    assert communication["payload"][0]["contentString"] == reply.ai_text
    assert any(s.get("code") == "AIAST" for s in communication["meta"]["security"])
    kinds = list(
        LedgerEntry.objects.filter(client_id=world.client_id).values_list("kind", flat=True)
    )
    for kind in ("ai.message", "review.message", "message.approve", "ehr.message"):
        assert kinds.count(kind) == 1, kind


def test_a_clinical_reply_is_only_a_suggestion_and_an_edit_is_sent_as_edited(world, ehr):
    world.message("I did the thought record but got stuck on the evidence against column.")
    row = inbox(world.clinician).items[0].triage
    reply = async_to_sync(services.reply_draft)(actor=world.clinician, triage_row=row)
    assert row.category == "clinical" and reply.suggestion

    with pytest.raises(services.InboxError, match="empty"):
        services.decide(actor=world.clinician, message=reply, decision="edited", text="  ")
    mine = "Hi Jordan, bring it Thursday and we'll fill that column in together. Rosa"
    services.decide(actor=world.clinician, message=reply, decision="edited", text=mine)
    approved = services.approve(actor=world.clinician, message=reply, idempotency_key="k2")
    async_to_sync(services.deliver)(approved.pk)

    written = fhir_search(ehr.base_url, f"Communication?identifier=urn:uuid:{reply.id}")
    assert written[0]["payload"][0]["contentString"] == mine


def test_a_rejected_reply_is_not_sent_and_a_new_one_can_be_drafted(world):
    world.message(BILLING)
    row = inbox(world.clinician).items[0].triage
    first = async_to_sync(services.reply_draft)(actor=world.clinician, triage_row=row)
    services.decide(actor=world.clinician, message=first, decision="rejected")

    with pytest.raises(services.InboxError, match="rejected"):
        services.approve(actor=world.clinician, message=first, idempotency_key="k3")
    second = async_to_sync(services.reply_draft)(actor=world.clinician, triage_row=row)

    assert second.pk != first.pk and second.status == "draft"


def test_an_ehr_that_is_down_keeps_the_approved_reply_waiting_then_sends_it(
    world, ehr, sandbox_control, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    world.message(SCHEDULING)
    row = inbox(world.clinician).items[0].triage
    reply = async_to_sync(services.reply_draft)(actor=world.clinician, triage_row=row)
    services.decide(actor=world.clinician, message=reply, decision="accepted")
    approved = services.approve(actor=world.clinician, message=reply, idempotency_key="k4")
    sandbox_control.configure(failStatus=503)
    try:
        waiting = async_to_sync(services.deliver)(approved.pk)
    finally:
        sandbox_control.configure(failStatus=0)
    assert waiting.status == "pending" and waiting.last_error
    assert async_to_sync(services.deliver_due)() == []  # backing off

    OutgoingMessage.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    sent = async_to_sync(services.deliver_due)()

    assert [m.status for m in sent] == ["written"]
    assert len(fhir_search(ehr.base_url, f"Communication?identifier=urn:uuid:{reply.id}")) == 1


def test_outreach_drafts_a_reminder_a_follow_up_and_a_welcome_once(world, sandbox_control):
    now = timezone.now()
    booked = world.appointment(now + timedelta(hours=30))
    held = world.appointment(now - timedelta(hours=3), status="fulfilled")
    newcomer = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": ["Sam"], "family": "Ortiz"}]}
    )
    from tests.conftest import care_team

    sandbox_control.create(care_team(newcomer["id"], world.practitioner_id))
    first_visit = world.appointment(
        now + timedelta(hours=20),
        participant=[
            {"actor": {"reference": f"Patient/{newcomer['id']}"}, "status": "accepted"},
            {"actor": {"reference": f"Practitioner/{world.practitioner_id}"}, "status": "accepted"},
        ],
    )

    drafted = async_to_sync(services.outreach_prepare)(now=now)
    mine = {(m.kind, m.appointment_id): m for m in drafted if m.author == world.clinician}

    assert set(mine) == {("follow_up", held), ("reminder", booked), ("welcome", first_visit)}
    assert (
        "This is a reminder of your session with Rosa Quill" in mine[("reminder", booked)].ai_text
    )
    assert mine[("welcome", first_visit)].ai_text.startswith("Hi Sam,")
    assert all(m.status == "draft" for m in mine.values())
    again = async_to_sync(services.outreach_prepare)(now=now)
    assert [m for m in again if m.author == world.clinician] == []
    waiting = inbox(world.clinician).outreach
    assert {m.kind for m in waiting} == {"follow_up", "reminder", "welcome"}


def test_an_outreach_kind_the_practice_sends_by_rule_is_approved_and_written(world, ehr, settings):
    settings.INBOX_AUTO_SEND = ["reminder"]
    world.appointment(timezone.now() - timedelta(days=7), status="fulfilled")  # not a newcomer
    booked = world.appointment(timezone.now() + timedelta(hours=30))

    drafted = async_to_sync(services.outreach_prepare)()
    reminder = next(m for m in drafted if m.appointment_id == booked)

    assert reminder.status == "written" and reminder.approved_by_rule
    assert reminder.approved_by is None
    written = fhir_search(ehr.base_url, f"Communication?identifier=urn:uuid:{reminder.id}")
    assert len(written) == 1 and "inResponseTo" not in written[0]
    approval = LedgerEntry.objects.get(kind="message.approve", client_id=world.client_id)
    assert approval.meta["by_rule"] is True


def test_the_pages_show_the_inbox_and_keep_a_refused_edit(client, world):
    world.message(URGENT, minutes_ago=50)
    world.message(SCHEDULING)
    client.force_login(world.clinician)

    page = client.get(reverse("inbox")).content.decode()

    assert page.index("really see the point") < page.index("Work moved a meeting")
    assert "never answered from a template" in page and "Draft reply" in page
    row = MessageTriage.objects.get(category="scheduling")
    drafted = client.post(reverse("message-reply", args=[row.communication_id]))
    assert drafted.status_code == 200 and "Hi Jordan," in drafted.content.decode()
    reply = OutgoingMessage.objects.get()
    refused = client.post(
        reverse("outgoing-decide", args=[reply.id]), {"decision": "nonsense", "text": "my words"}
    )
    assert refused.status_code == 400 and "my words" in refused.content.decode()
    panel = client.get(reverse("inbox-panel", args=[world.client_id])).content.decode()
    assert "Work moved a meeting" in panel


def test_another_clinician_cannot_see_or_act_on_the_message(client, world):
    urgent = world.message(URGENT)
    inbox(world.clinician)
    client.force_login(ClinicianFactory(practitioner_id="pr-okafor").user)

    assert client.post(reverse("message-acknowledge", args=[urgent])).status_code == 404
    assert client.post(reverse("message-reply", args=[urgent])).status_code == 404
    assert urgent not in client.get(reverse("inbox")).content.decode()
