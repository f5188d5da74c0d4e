"""FHIR R4 resources for an approved note: DocumentReference and its Provenance.

- DocumentReference: status current, docStatus final, type the template's
  (ApprovedNote.document_type: LOINC 11506-3 Progress note by default), category US
  Core clinical-note, the note as text/plain, an identifier unique to the draft
  (urn:ietf:rfc:3986 + urn:uuid), and the HL7 AI transparency
  security label AIAST ("Artificial Intelligence asserted", v3-ObservationValue).
- Provenance: the clinician as author and verifier, the drafting engine as a Device
  agent of type assembler, the draft and the chart entries it cited as entities. A
  co-signed note adds the supervisor as verifier and as legal authenticator (`legal`,
  provenance-participant-type), and names them DocumentReference.authenticator.
Both are validated with fhir.resources before they leave.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.provenance import Provenance

from copilot.drafting.templates import PROGRESS_NOTE

from .base import Agent, ApprovedNote

IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"
AI_LABEL = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "AIAST",
    "display": "Artificial Intelligence asserted",
}
CLINICAL_NOTE = {
    "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
    "code": "clinical-note",
    "display": "Clinical Note",
}
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def note_identifier(draft_id: str) -> dict[str, str]:
    return {"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{draft_id}"}


def _practitioner(agent: Agent) -> dict[str, str]:
    return {"reference": f"Practitioner/{agent.practitioner_id}", "display": agent.display}


def _title(note: ApprovedNote) -> str:
    """ "SOAP progress note"; a summary is named by its template ("Discharge summary")."""
    if note.document_type == PROGRESS_NOTE:
        return f"{note.template_name} progress note"
    return note.template_name


def document_reference(note: ApprovedNote) -> dict[str, Any]:
    """The DocumentReference JSON for `note` (raises pydantic.ValidationError if invalid)."""
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "meta": {"security": [AI_LABEL]},
        "identifier": [note_identifier(note.draft_id)],
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [asdict(note.document_type)], "text": note.document_type.display},
        "category": [{"coding": [CLINICAL_NOTE]}],
        "subject": {"reference": f"Patient/{note.client_id}"},
        "date": note.approved_at.isoformat(),
        "author": [_practitioner(note.author)],
        "authenticator": _practitioner(note.legal_authenticator or note.verifiers[-1]),
        "description": f"{_title(note)} (AI-assisted, clinician-approved)",
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(note.text.encode("utf-8")).decode("ascii"),
                    "title": _title(note),
                    "creation": note.approved_at.isoformat(),
                }
            }
        ],
    }
    if note.encounter_id:
        resource["context"] = {"encounter": [{"reference": f"Encounter/{note.encounter_id}"}]}
    DocumentReference.model_validate(resource)
    return resource


def provenance(note: ApprovedNote, *, target: str) -> dict[str, Any]:
    """The Provenance JSON of the note written as `target` ("DocumentReference/<id>")."""
    engine = {
        "resourceType": "Device",
        "id": "engine",
        "deviceName": [
            {"name": f"therapy-copilot {note.engine_name} engine", "type": "model-name"}
        ],
        "version": [{"value": note.engine_version}],
        "type": {"text": "AI note-drafting engine"},
    }
    if note.engine_model:
        engine["modelNumber"] = note.engine_model

    def agent(code: str, who: dict[str, str]) -> dict[str, Any]:
        return {"type": {"coding": [{"system": PARTICIPANT_TYPE, "code": code}]}, "who": who}

    agents = [agent("author", _practitioner(note.author))]
    agents += [agent("verifier", _practitioner(v)) for v in note.verifiers]
    if note.legal_authenticator:
        agents.append(agent("legal", _practitioner(note.legal_authenticator)))
    agents.append(
        agent("assembler", {"reference": "#engine", "display": engine["deviceName"][0]["name"]})
    )
    entities = [
        {
            "role": "source",
            "what": {
                "identifier": note_identifier(note.draft_id),
                "display": "Clinician's session input and the AI draft",
            },
        }
    ]
    entities += [{"role": "source", "what": {"reference": ref}} for ref in note.sources]
    resource = {
        "resourceType": "Provenance",
        "contained": [engine],
        "target": [{"reference": target}],
        "occurredPeriod": {
            "start": note.drafted_at.isoformat(),
            "end": note.approved_at.isoformat(),
        },
        "recorded": note.approved_at.isoformat(),
        "activity": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                    "code": "CREATE",
                    "display": "create",
                }
            ]
        },
        "agent": agents,
        "entity": entities,
    }
    Provenance.model_validate(resource)
    return resource
