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
from datetime import datetime

IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"
AI_ASSISTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "AIAST",
    "display": "artificial intelligence asserted",
}


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
