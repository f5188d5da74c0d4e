"""Secure messages (FHIR Communication) and Appointments: parsing and building, and
reading and writing them through the gateway against the sandbox EHR over HTTP."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from copilot.ehr import EhrUnavailable
from copilot.ehr.fhir_r4 import FhirR4Gateway
from copilot.ehr.messages import (
    AI_ASSISTED,
    IDENTIFIER_SYSTEM,
    OutgoingMessage,
    communication,
    parse_appointment,
    parse_message,
)

# sandbox/seed/behavioral-health.mjs MESSAGES: Mei Chen's, newest first.
CHEN_INBOX = ["msg-bh-004-1", "msg-bh-001-1", "msg-bh-004-2", "msg-bh-001-2"]
SEEDED = {
    "pr-chen": {"msg-bh-001-1", "msg-bh-001-2", "msg-bh-004-1", "msg-bh-004-2"},
    "pr-okafor": {"msg-bh-002-1", "msg-bh-005-1", "msg-bh-007-1"},
    "pr-patel": {"msg-bh-003-1"},
    "pr-rivera": {"msg-bh-008-1"},
}


def _message(**changes) -> dict:
    return {
        "resourceType": "Communication",
        "id": "m1",
        "meta": {"lastUpdated": "2026-03-02T09:30:00.000Z"},
        "status": "in-progress",
        "sender": {"reference": "Patient/p1"},
        "recipient": [{"reference": "Practitioner/pr-a"}, {"reference": "Patient/p1"}],
        "sent": "2026-03-01T18:05:00-05:00",
        "payload": [{"contentString": "Can we talk on Friday?"}],
        **changes,
    }


def _new_message(**changes) -> dict:
    """A Communication to create (no id, no meta)."""
    resource = _message(**changes)
    del resource["id"], resource["meta"]
    return resource


def _appointment(**changes) -> dict:
    return {
        "resourceType": "Appointment",
        "id": "a1",
        "status": "booked",
        "start": "2026-03-04T15:00:00Z",
        "end": "2026-03-04T15:50:00Z",
        "participant": [
            {"actor": {"reference": "Patient/p1"}, "status": "accepted"},
            {"actor": {"reference": "Practitioner/pr-a"}, "status": "accepted"},
        ],
        **changes,
    }


def _outgoing(**changes) -> OutgoingMessage:
    fields = {
        "id": str(uuid.uuid4()),
        "client_id": "bh-001",
        "practitioner_id": "pr-chen",
        "practitioner_name": "Mei Chen",
        "text": "Friday at 3 pm works. See you then.",
        "category": "scheduling",
        "sent": datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
        **changes,
    }
    return OutgoingMessage(**fields)


def _get(sandbox, path: str, **params: str) -> dict:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"{sandbox.base_url}/{path}{query}", timeout=10) as response:
        return json.load(response)


def _with_identifier(sandbox, message_id: str) -> list[dict]:
    bundle = _get(sandbox, "Communication", identifier=f"{IDENTIFIER_SYSTEM}|urn:uuid:{message_id}")
    return [entry["resource"] for entry in bundle.get("entry", [])]


# --- parsing and building (no HTTP) ---------------------------------------------


def test_a_client_message_is_read_with_its_practitioner_recipients_only():
    message = parse_message(_message(topic={"text": "Friday"}))

    assert (message.id, message.client_id, message.recipient_ids) == ("m1", "p1", ("pr-a",))
    assert message.sent == datetime(2026, 3, 1, 23, 5, tzinfo=UTC)
    assert (message.text, message.status, message.topic) == (
        "Can we talk on Friday?",
        "in-progress",
        "Friday",
    )
    assert message.reference == "Communication/m1"


def test_a_message_from_a_practitioner_is_not_a_client_message():
    assert parse_message(_message(sender={"reference": "Practitioner/pr-a"})) is None
    assert parse_message(_message(sender=None)) is None


def test_a_message_without_text_is_left_out():
    attachment = {"contentAttachment": {"contentType": "image/png", "data": "iVBORw0K"}}
    assert parse_message(_message(payload=[attachment, {"contentString": "  "}])) is None


def test_several_payloads_are_joined_with_blank_lines():
    payload = [{"contentString": "First part."}, {"contentString": "Second part.\n"}]
    assert parse_message(_message(payload=payload)).text == "First part.\n\nSecond part."


def test_a_message_without_sent_is_dated_by_its_last_update():
    message = parse_message(_message(sent=None))
    assert message.sent == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert parse_message(_message(sent="2026-03-01")).sent == datetime(2026, 3, 1, tzinfo=UTC)


def test_a_message_with_no_time_at_all_is_malformed():
    with pytest.raises(ValueError, match="sent"):
        parse_message(_message(sent=None, meta=None))


def test_an_appointment_is_read_with_its_client_and_practitioners():
    appointment = parse_appointment(
        _appointment(serviceType=[{"text": "Psychotherapy"}], appointmentType={"text": "Intake"})
    )

    assert (appointment.client_id, appointment.practitioner_ids) == ("p1", ("pr-a",))
    assert appointment.start == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    assert appointment.end - appointment.start == timedelta(minutes=50)
    assert (appointment.status, appointment.kind, appointment.telehealth) == (
        "booked",
        "Psychotherapy",
        False,
    )
    assert appointment.reference == "Appointment/a1"


def test_an_appointment_without_a_client_or_a_start_is_left_out():
    practitioner_only = [{"actor": {"reference": "Practitioner/pr-a"}, "status": "accepted"}]
    assert parse_appointment(_appointment(participant=practitioner_only)) is None
    assert parse_appointment(_appointment(start=None, end=None)) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"appointmentType": {"coding": [{"code": "VR"}]}},
        {"serviceType": [{"text": "Telehealth psychotherapy"}]},
        {"serviceType": [{"coding": [{"code": "x", "display": "Video visit"}]}]},
    ],
)
def test_an_appointment_coded_virtual_or_saying_telehealth_is_telehealth(fields):
    assert parse_appointment(_appointment(**fields)).telehealth is True


def test_a_reply_is_one_communication_with_every_element():
    outgoing = _outgoing(in_response_to="msg-bh-001-1")
    resource = communication(outgoing)

    assert resource["status"] == "completed"
    assert resource["sender"] == {"reference": "Practitioner/pr-chen", "display": "Mei Chen"}
    assert resource["recipient"] == [{"reference": "Patient/bh-001"}]
    assert resource["subject"] == {"reference": "Patient/bh-001"}
    assert resource["inResponseTo"] == [{"reference": "Communication/msg-bh-001-1"}]
    assert datetime.fromisoformat(resource["sent"]) == outgoing.sent
    assert resource["payload"] == [{"contentString": outgoing.text}]
    assert resource["category"] == [{"text": "scheduling"}]
    assert resource["identifier"] == [
        {"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{outgoing.id}"}
    ]
    assert resource["meta"]["security"] == [AI_ASSISTED]


def test_a_reminder_responds_to_nothing_and_a_clinicians_own_text_has_no_ai_label():
    resource = communication(_outgoing(category="reminder", ai_assisted=False))
    assert "inResponseTo" not in resource
    assert "meta" not in resource


def test_a_message_needs_a_timezone_aware_sent_time():
    with pytest.raises(ValueError, match="timezone"):
        communication(_outgoing(sent=datetime(2026, 3, 2, 14, 0)))  # noqa: DTZ001


# --- the gateway against the sandbox ---------------------------------------------


async def test_the_inbox_holds_the_clients_messages_to_the_clinician_newest_first(gateway):
    inbox = await gateway.inbox("pr-chen")

    assert [m.id for m in inbox] == CHEN_INBOX
    assert [m.client_id for m in inbox] == ["bh-004", "bh-001", "bh-004", "bh-001"]
    now = datetime.now(tz=UTC)
    assert all(now - timedelta(days=4) < m.sent < now for m in inbox)
    assert [m.sent for m in inbox] == sorted((m.sent for m in inbox), reverse=True)
    assert all(m.recipient_ids == ("pr-chen",) and m.status == "in-progress" for m in inbox)
    maya = {m.id: m.text for m in inbox}["msg-bh-001-1"]
    assert maya.startswith("Hi Mei, could we move Thursday's session to Friday afternoon?")


async def test_every_seeded_message_is_in_its_therapists_inbox(gateway):
    for practitioner_id, seeded in SEEDED.items():
        inbox = await gateway.inbox(practitioner_id)
        assert {m.id for m in inbox if m.id.startswith("msg-")} == seeded
    urgent = next(m for m in await gateway.inbox("pr-chen") if m.id == "msg-bh-004-1")
    assert "point anymore" in urgent.text and "suicid" not in urgent.text.lower()


async def test_the_inbox_reads_pages_until_it_has_its_limit(sandbox):
    small_pages = FhirR4Gateway(sandbox.base_url, page_size=1)
    assert [m.id for m in await small_pages.inbox("pr-chen", limit=3)] == CHEN_INBOX[:3]
    assert [m.id for m in await small_pages.inbox("pr-chen")] == CHEN_INBOX


async def test_messages_from_a_practitioner_or_to_another_practitioner_stay_out(
    gateway, sandbox_control, new_client
):
    colleague = sandbox_control.create(
        _new_message(
            sender={"reference": "Practitioner/pr-rivera"},
            recipient=[{"reference": "Practitioner/pr-chen"}],
        )
    )
    elsewhere = sandbox_control.create(
        _new_message(
            sender={"reference": f"Patient/{new_client}"},
            recipient=[{"reference": "Practitioner/pr-okafor"}],
        )
    )

    chen = [m.id for m in await gateway.inbox("pr-chen")]
    assert chen == CHEN_INBOX and colleague["id"] not in chen
    assert elsewhere["id"] in {m.id for m in await gateway.inbox("pr-okafor")}


async def test_a_clients_messages_are_the_ones_they_sent_newest_first(gateway):
    mine = await gateway.client_messages("bh-001")

    assert [m.id for m in mine] == ["msg-bh-001-1", "msg-bh-001-2"]
    assert {m.client_id for m in mine} == {"bh-001"}
    assert "sertraline" in mine[1].text


async def test_the_clinicians_booked_sessions_around_today(gateway):
    now = datetime.now(tz=UTC)
    upcoming = await gateway.appointments("pr-chen", start=now, end=now + timedelta(days=14))

    assert sorted(a.id for a in upcoming) == ["appt-bh-001-next", "appt-bh-004-next"]
    assert [a.start for a in upcoming] == sorted(a.start for a in upcoming)
    assert {(a.status, a.practitioner_ids, a.kind, a.telehealth) for a in upcoming} == {
        ("booked", ("pr-chen",), "Psychotherapy", False)
    }
    maya = next(a for a in upcoming if a.client_id == "bh-001")
    assert maya.start == (await gateway.chart("bh-001")).next_visit.start

    held = await gateway.appointments("pr-chen", start=now - timedelta(days=35), end=now)
    assert sorted(a.id for a in held) == [
        "appt-bh-001-past-1",
        "appt-bh-001-past-2",
        "appt-bh-004-past-1",
        "appt-bh-004-past-2",
    ]
    assert {a.status for a in held} == {"fulfilled"}


async def test_a_telehealth_clients_appointments_earliest_first(gateway):
    appointments = await gateway.client_appointments("bh-005")

    assert [a.id for a in appointments] == [
        "appt-bh-005-past-2",
        "appt-bh-005-past-1",
        "appt-bh-005-next",
    ]
    assert [a.status for a in appointments] == ["fulfilled", "fulfilled", "booked"]
    assert all(a.telehealth and a.kind == "Telehealth psychotherapy" for a in appointments)
    assert all(a.end - a.start == timedelta(minutes=50) for a in appointments)
    assert {(a.client_id, a.practitioner_ids) for a in appointments} == {("bh-005", ("pr-okafor",))}


async def test_a_reply_is_written_as_one_communication_with_every_element(gateway, sandbox):
    outgoing = _outgoing(in_response_to="msg-bh-001-1")

    written = await gateway.write_message(outgoing)

    [stored] = _with_identifier(sandbox, outgoing.id)
    assert stored["id"] == written.communication_id
    assert stored["meta"]["versionId"] == written.version
    assert stored["status"] == "completed"
    assert stored["sender"] == {"reference": "Practitioner/pr-chen", "display": "Mei Chen"}
    assert stored["recipient"] == [{"reference": "Patient/bh-001"}]
    assert stored["subject"] == {"reference": "Patient/bh-001"}
    assert stored["inResponseTo"] == [{"reference": "Communication/msg-bh-001-1"}]
    assert datetime.fromisoformat(stored["sent"]) == outgoing.sent
    assert stored["payload"] == [{"contentString": outgoing.text}]
    assert stored["category"] == [{"text": "scheduling"}]
    assert stored["identifier"] == [
        {"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{outgoing.id}"}
    ]
    assert [(s["system"], s["code"]) for s in stored["meta"]["security"]] == [
        (AI_ASSISTED["system"], "AIAST")
    ]


async def test_a_clinicians_reply_does_not_come_back_as_a_client_message(gateway):
    await gateway.write_message(_outgoing(in_response_to="msg-bh-001-2"))

    assert [m.id for m in await gateway.inbox("pr-chen")] == CHEN_INBOX
    assert [m.id for m in await gateway.client_messages("bh-001")] == [
        "msg-bh-001-1",
        "msg-bh-001-2",
    ]


async def test_writing_a_message_again_returns_the_first_communication(gateway, sandbox):
    outgoing = _outgoing(client_id="bh-004", in_response_to="msg-bh-004-2", category="billing")

    first = await gateway.write_message(outgoing)
    again = await gateway.write_message(outgoing)

    assert again == first
    assert len(_with_identifier(sandbox, outgoing.id)) == 1


async def test_concurrent_writes_of_one_message_leave_one_communication(gateway, sandbox):
    outgoing = _outgoing(category="follow-up")

    written = await asyncio.gather(*(gateway.write_message(outgoing) for _ in range(5)))

    assert len({w.communication_id for w in written}) == 1
    assert len(_with_identifier(sandbox, outgoing.id)) == 1


async def test_a_message_the_clinician_wrote_alone_carries_no_ai_label(gateway, sandbox):
    outgoing = _outgoing(category="reminder", ai_assisted=False)

    await gateway.write_message(outgoing)

    [stored] = _with_identifier(sandbox, outgoing.id)
    assert "AIAST" not in {s.get("code") for s in stored.get("meta", {}).get("security", [])}
    assert "inResponseTo" not in stored


async def test_an_ehr_answering_503_is_unavailable_for_reading_and_writing(
    gateway, sandbox, sandbox_control
):
    outgoing = _outgoing()
    sandbox_control.configure(failStatus=503)

    with pytest.raises(EhrUnavailable) as reading:
        await gateway.inbox("pr-chen")
    with pytest.raises(EhrUnavailable) as writing:
        await gateway.write_message(outgoing)

    assert reading.value.retryable and writing.value.retryable
    sandbox_control.configure(failStatus=0)
    assert _with_identifier(sandbox, outgoing.id) == []
