"""Secure messages and appointments as the copilot reads and writes them (FHIR R4).

- A client's secure message is a `Communication` whose `sender` is the Patient and
  whose `recipient` names the Practitioner, `status` in-progress or completed; its
  text is `payload.contentString` (every payload joined with blank lines).
- A reply (or a reminder, follow-up or welcome) the clinician approved is written as
  one `Communication`: `status` completed, `sender` the Practitioner, `recipient` and
  `subject` the Patient, `inResponseTo` the client's message (replies only), `sent`,
  `payload.contentString`, `category.text` (the triage category or outreach kind),
  `identifier` urn:uuid:<OutgoingMessage.id> (a conditional create on it makes
  retries write nothing more), and `meta.security` AIAST (HL7 v3 ObservationValue,
  "artificial intelligence asserted") when the text was drafted by the copilot.
- `Appointment` (R4): `participant.actor` names the Patient and the Practitioner;
  `start` / `end` are instants; `status` booked (upcoming), fulfilled (held), etc.

Parsing and building live here, with no I/O; copilot.ehr.fhir_r4 does the HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.communication import Communication

IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"
AI_ASSISTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "AIAST",
    "display": "artificial intelligence asserted",
}
# Communication.status of a message a client has sent (event-status).
MESSAGE_STATUSES = ("in-progress", "completed")
# HL7 v3 ActCode VR "virtual" (the Encounter class of a video visit), and words that
# say telehealth in an appointment's type or service text.
VIRTUAL = "VR"
TELEHEALTH_WORDS = ("telehealth", "video")


@dataclass(frozen=True)
class Message:
    """One secure message from a client (FHIR Communication).

    `id` is Communication.id; `client_id` the sending Patient's id; `recipient_ids`
    the Practitioner ids among its recipients; `sent` Communication.sent (or
    meta.lastUpdated when absent), timezone-aware; `text` the payload's text;
    `status` Communication.status; `topic` Communication.topic.text ("" if none)."""

    id: str
    client_id: str
    recipient_ids: tuple[str, ...]
    sent: datetime
    text: str
    status: str
    topic: str = ""

    @property
    def reference(self) -> str:
        return f"Communication/{self.id}"


@dataclass(frozen=True)
class Appointment:
    """One FHIR Appointment of a client with a practitioner.

    `start` / `end` timezone-aware instants (`end` None when absent); `status` the
    Appointment.status code; `kind` serviceType / appointmentType text ("" if none);
    `practitioner_ids` the Practitioner actors; `telehealth` True when the
    appointmentType or serviceType says video/telehealth (code VR or "telehealth")."""

    id: str
    client_id: str
    practitioner_ids: tuple[str, ...]
    start: datetime
    end: datetime | None
    status: str
    kind: str = ""
    telehealth: bool = False

    @property
    def reference(self) -> str:
        return f"Appointment/{self.id}"


@dataclass(frozen=True)
class OutgoingMessage:
    """A message the clinician approved, to write as one Communication (see the
    module docstring). `id` is our UUID (the identifier); `in_response_to` the client's
    Communication id ("" for reminders, follow-ups and welcomes); `category` the
    triage category or outreach kind; `ai_assisted` whether the copilot drafted it."""

    id: str
    client_id: str
    practitioner_id: str
    practitioner_name: str
    text: str
    category: str
    sent: datetime
    in_response_to: str = ""
    ai_assisted: bool = True


@dataclass(frozen=True)
class WrittenMessage:
    """Where an approved message landed: the Communication's id and meta.versionId."""

    communication_id: str
    version: str


def parse_message(resource: dict[str, Any]) -> Message | None:
    """Communication JSON → Message; None when the sender is not a Patient or the
    message has no text (see the module docstring for the mapping).

    Raises pydantic.ValidationError (a ValueError) for an invalid resource and
    ValueError when neither `sent` nor `meta.lastUpdated` gives a time; nothing from
    the resource is logged (it holds PHI)."""
    model = Communication.model_validate(resource)
    client_id = _id_of(model.sender.reference if model.sender else None, "Patient")
    text = "\n\n".join(
        p.contentString.strip() for p in model.payload or [] if (p.contentString or "").strip()
    )
    if client_id is None or not text:
        return None
    sent = _instant(model.sent) or (model.meta.lastUpdated if model.meta else None)
    if sent is None:
        raise ValueError("message has neither sent nor meta.lastUpdated")
    recipients = (_id_of(r.reference, "Practitioner") for r in model.recipient or [])
    return Message(
        id=model.id,
        client_id=client_id,
        recipient_ids=tuple(r for r in recipients if r),
        sent=sent,
        text=text,
        status=model.status,
        topic=(model.topic.text if model.topic else None) or "",
    )


def parse_appointment(resource: dict[str, Any]) -> Appointment | None:
    """Appointment JSON → Appointment; None when no participant is a Patient or it has
    no `start`. The first Patient actor is the client. Raises pydantic.ValidationError
    for an invalid resource."""
    model = FhirAppointment.model_validate(resource)
    actors = [p.actor.reference for p in model.participant or [] if p.actor]
    patients = [i for i in (_id_of(a, "Patient") for a in actors) if i]
    if not patients or model.start is None:
        return None
    kinds = [model.appointmentType] if model.appointmentType else []
    concepts = [*(model.serviceType or []), *kinds]
    return Appointment(
        id=model.id,
        client_id=patients[0],
        practitioner_ids=tuple(i for i in (_id_of(a, "Practitioner") for a in actors) if i),
        start=model.start,
        end=model.end,
        status=model.status,
        kind=next((t for t in map(_text, concepts) if t), ""),
        telehealth=any(_says_telehealth(c) for c in concepts),
    )


def message_identifier(message_id: str) -> dict[str, str]:
    """Communication.identifier of the OutgoingMessage with this id (urn:uuid)."""
    return {"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{message_id}"}


def communication(message: OutgoingMessage) -> dict[str, Any]:
    """The Communication JSON to create for an approved message (see the module
    docstring). `message.sent` must be timezone-aware. Raises pydantic.ValidationError
    (a ValueError) if the result is not a valid Communication, ValueError for a naive
    `sent`."""
    if message.sent.tzinfo is None:
        raise ValueError("OutgoingMessage.sent must be timezone-aware")
    client = {"reference": f"Patient/{message.client_id}"}
    resource: dict[str, Any] = {
        "resourceType": "Communication",
        "identifier": [message_identifier(message.id)],
        "status": "completed",
        "category": [{"text": message.category}],
        "subject": client,
        "recipient": [client],
        "sender": {
            "reference": f"Practitioner/{message.practitioner_id}",
            "display": message.practitioner_name,
        },
        "sent": message.sent.isoformat(),
        "payload": [{"contentString": message.text}],
    }
    if message.in_response_to:
        resource["inResponseTo"] = [{"reference": f"Communication/{message.in_response_to}"}]
    if message.ai_assisted:
        resource["meta"] = {"security": [AI_ASSISTED]}
    Communication.model_validate(resource)
    return resource


def _id_of(reference: str | None, kind: str) -> str | None:
    """The id in a relative reference "{kind}/{id}"; None for another type or none."""
    prefix = f"{kind}/"
    if not reference or not reference.startswith(prefix):
        return None
    return reference.removeprefix(prefix).split("/", 1)[0] or None


def _instant(value: datetime | date | str | None) -> datetime | None:
    """A FHIR dateTime as a timezone-aware datetime: a day is taken at 00:00 UTC; a
    year or year-month (fhir.resources keeps those as strings) gives None."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _text(concept: CodeableConcept) -> str:
    """The concept's text, else its first coding's display, else ""."""
    displays = (c.display for c in concept.coding or [] if c.display)
    return concept.text or next(displays, "")


def _says_telehealth(concept: CodeableConcept) -> bool:
    """Is this coded VR (virtual), or does its text or a display say telehealth/video?"""
    codings = concept.coding or []
    words = " ".join([concept.text or "", *(c.display or "" for c in codings)]).lower()
    return any(c.code == VIRTUAL for c in codings) or any(w in words for w in TELEHEALTH_WORDS)
