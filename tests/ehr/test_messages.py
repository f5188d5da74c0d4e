"""Secure messages (FHIR Communication) and Appointments: parsing and building."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from copilot.ehr.messages import (
    AI_ASSISTED,
    IDENTIFIER_SYSTEM,
    OutgoingMessage,
    communication,
    parse_appointment,
    parse_message,
)


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
