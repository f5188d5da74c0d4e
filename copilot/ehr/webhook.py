"""EHR webhook intake: signature check and event parsing (no I/O here).

Signature scheme (the EHR signs, we verify):

    X-EHR-Timestamp: <Unix time in whole seconds>
    X-EHR-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}." + raw body)>

Signing the timestamp with the body stops an old body being replayed under a new
timestamp; calls whose timestamp is more than the tolerance away from now are
refused. Events are JSON objects:

    {"event": "note.created" | "note.updated", "resource": "DocumentReference/<id>"}
    {"event": "appointment.completed", "patient": "Patient/<id>"}
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

TIMESTAMP_HEADER = "X-EHR-Timestamp"
SIGNATURE_HEADER = "X-EHR-Signature"
NOTE_EVENTS = {"note.created", "note.updated"}
APPOINTMENT_EVENTS = {"appointment.completed"}
FHIR_ID = r"[A-Za-z0-9\-.]{1,64}"  # FHIR R4 id datatype


class WebhookRejected(Exception):
    """The call is not authentic (missing, stale or wrong signature): answer 401.

    `reason` is safe to log (it never holds the body).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownEvent(ValueError):
    """An authentic call whose event we do not handle or cannot read: answer 400."""


@dataclass(frozen=True)
class WebhookEvent:
    """`name` is the event; `reference` the DocumentReference (note events) or the
    Patient (appointment events) it is about."""

    name: str
    reference: str

    @property
    def client_id(self) -> str:
        return self.reference.removeprefix("Patient/")


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    """The X-EHR-Signature value for `body` sent at `timestamp` (what the EHR computes)."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    body: bytes,
    *,
    timestamp: str | None,
    signature: str | None,
    secret: str,
    tolerance: int,
    now: float,
) -> None:
    """Raise WebhookRejected unless `signature` is ours for `body` at a fresh `timestamp`.

    `tolerance` is seconds either side of `now` (Unix seconds). Comparison is
    constant-time (hmac.compare_digest).
    """
    if not secret:
        raise WebhookRejected("webhook secret not configured")
    if not timestamp or not signature:
        raise WebhookRejected("missing timestamp or signature header")
    if not timestamp.isdigit():
        raise WebhookRejected("timestamp is not Unix seconds")
    if abs(now - int(timestamp)) > tolerance:
        raise WebhookRejected("timestamp outside the replay window")
    expected = sign(body, secret=secret, timestamp=int(timestamp))
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise WebhookRejected("bad signature")


def parse_event(body: bytes) -> WebhookEvent:
    """The event in an authentic body; raises UnknownEvent for anything else."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnknownEvent("body is not JSON") from exc
    name = payload.get("event") if isinstance(payload, dict) else None
    if name in NOTE_EVENTS:
        return WebhookEvent(name, _reference(payload.get("resource"), "DocumentReference"))
    if name in APPOINTMENT_EVENTS:
        return WebhookEvent(name, _reference(payload.get("patient"), "Patient"))
    raise UnknownEvent("unknown event")


def _reference(value: object, resource_type: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(f"{resource_type}/{FHIR_ID}", value):
        raise UnknownEvent(f"expected a {resource_type} reference")
    return value
