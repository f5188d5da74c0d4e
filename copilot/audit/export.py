"""Ledger entries as FHIR R4 AuditEvent resources, in the shape of IHE Basic Audit Log
Patterns (BALP, https://profiles.ihe.net/ITI/BALP/): type, subtype, action, recorded,
outcome, agent, source, and the patient as an entity.

The export carries what the ledger keeps in clear (`meta`: engine, model, references)
and never the encrypted content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from .models import LedgerEntry

AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction"
LEDGER_KIND = "urn:therapy-copilot:audit-kind"
LEDGER_ENTRY = "urn:therapy-copilot:ledger-entry"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
# AuditEvent.outcome (http://hl7.org/fhir/R4/valueset-audit-event-outcome.html)
OUTCOMES = {"ok": "0", "cancelled": "4", "error": "8"}


def _action(kind: str) -> str:
    """AuditEvent.action: E(xecute) for AI work, C(reate) for EHR writes, U(pdate) for
    review steps (http://hl7.org/fhir/R4/valueset-audit-event-action.html)."""
    if kind.startswith("ai."):
        return "E"
    return "C" if kind == LedgerEntry.Kind.EHR_WRITE else "U"


def _subtypes(entry: LedgerEntry) -> list[dict[str, str]]:
    subtypes = [{"system": LEDGER_KIND, "code": entry.kind, "display": entry.get_kind_display()}]
    if entry.kind == LedgerEntry.Kind.EHR_WRITE:
        subtypes.append({"system": RESTFUL_INTERACTION, "code": "create"})
    return subtypes


def _entities(entry: LedgerEntry) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = []
    if entry.client_id:
        entities.append(
            {
                "what": {"reference": f"Patient/{entry.client_id}"},
                "type": {"system": ENTITY_TYPE, "code": "1", "display": "Person"},
                "role": {"system": OBJECT_ROLE, "code": "1", "display": "Patient"},
            }
        )
    entities += [
        {
            "what": {"reference": reference},
            "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
            "role": {"system": OBJECT_ROLE, "code": "4", "display": "Domain Resource"},
        }
        for reference in entry.meta.get("references", [])
    ]
    entities.append(
        {
            "what": {"identifier": {"system": LEDGER_ENTRY, "value": str(entry.seq)}},
            "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
            "detail": [{"type": "entry_hash", "valueString": entry.entry_hash}],
        }
    )
    return entities


def audit_event(entry: LedgerEntry) -> dict[str, Any]:
    """One ledger entry as a FHIR R4 AuditEvent (JSON dict)."""
    who: dict[str, Any] = {"display": entry.actor_label or "system"}
    if entry.actor_id is not None:
        who["identifier"] = {"system": "urn:therapy-copilot:user", "value": str(entry.actor_id)}
    return {
        "resourceType": "AuditEvent",
        "id": f"ledger-{entry.seq}",
        "type": {"system": AUDIT_EVENT_TYPE, "code": "rest", "display": "RESTful Operation"},
        "subtype": _subtypes(entry),
        "action": _action(entry.kind),
        "recorded": entry.recorded_at.isoformat(),
        "outcome": OUTCOMES.get(entry.outcome, "8"),
        "agent": [{"who": who, "requestor": entry.actor_id is not None}],
        "source": {
            "observer": {"display": "Therapy copilot"},
            "type": [{"system": SOURCE_TYPE, "code": "4", "display": "Application Server"}],
        },
        "entity": _entities(entry),
    }


def audit_bundle(start: datetime, end: datetime) -> dict[str, Any]:
    """Entries recorded in [start, end) as a FHIR R4 Bundle (type collection) of
    AuditEvents, validated with fhir.resources (raises pydantic.ValidationError)."""
    entries = LedgerEntry.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [{"resource": audit_event(e)} for e in entries.order_by("seq")],
    }
    Bundle.model_validate(bundle)
    return bundle
