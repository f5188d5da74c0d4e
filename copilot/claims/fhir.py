"""A drafted claim as a FHIR R4 `Claim` (validated with fhir.resources R4B before it
leaves): `use` claim, `status` draft, `type` professional, one `item` per service line
(CPT `productOrService`, modifiers, units, `servicedDate`, place of service as
`locationCodeableConcept`, `diagnosisSequence` pointers, `careTeamSequence`), the
ICD-10-CM `diagnosis` list, the `careTeam` (rendering provider as primary, the
supervising provider as supervisor), the practitioner as `provider`, an identifier
urn:uuid:<claim id> for writing it once, and the AIAST security label (drafted by the
copilot). No Coverage is read yet: `insurance` names the coverage on file by display.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.claim import Claim

from copilot.ehr.base import Agent
from copilot.ehr.documents import AI_LABEL, IDENTIFIER_SYSTEM, practitioner_reference

from .claim import ClaimDraft

CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
CARE_TEAM_ROLE = "http://terminology.hl7.org/CodeSystem/claimcareteamrole"
PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
CPT_MODIFIERS = frozenset({"95", "25", "59"})  # the rest (HO, HN, AJ …) are HCPCS Level II


def care_team(rendering: Agent, supervising: Agent | None) -> list[dict[str, Any]]:
    """Claim.careTeam: the rendering provider as sequence 1 (role primary), the
    supervising provider, when there is one, as sequence 2 (role supervisor)."""
    team = [
        {
            "sequence": 1,
            "provider": practitioner_reference(rendering),
            "role": {"coding": [{"system": CARE_TEAM_ROLE, "code": "primary"}]},
        }
    ]
    if supervising is not None:
        team.append(
            {
                "sequence": 2,
                "provider": practitioner_reference(supervising),
                "role": {"coding": [{"system": CARE_TEAM_ROLE, "code": "supervisor"}]},
            }
        )
    return team


def claim_resource(claim: ClaimDraft, *, claim_id: str, created: datetime) -> dict[str, Any]:
    """The Claim for `claim` (a dict ready to POST). Raises pydantic.ValidationError if
    it would not be a valid R4 Claim."""
    team = care_team(claim.rendering, claim.supervising)
    resource: dict[str, Any] = {
        "resourceType": "Claim",
        "meta": {"security": [AI_LABEL]},
        "identifier": [{"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{claim_id}"}],
        "status": "draft",
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "claim",
        "patient": {"reference": f"Patient/{claim.client_id}"},
        "billablePeriod": {"start": claim.service_date.isoformat()},
        "created": created.isoformat(timespec="seconds"),
        "provider": practitioner_reference(claim.rendering),
        "priority": {"coding": [{"system": PRIORITY, "code": "normal"}]},
        "careTeam": team,
        "diagnosis": [
            {
                "sequence": index,
                "diagnosisCodeableConcept": {
                    "coding": [{"system": ICD10CM, "code": dx.code, "display": dx.display}]
                },
            }
            for index, dx in enumerate(claim.diagnoses, start=1)
        ],
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "Coverage on file"}}],
        "item": [
            {
                "sequence": index,
                "careTeamSequence": [member["sequence"] for member in team],
                "diagnosisSequence": list(line.pointers),
                "productOrService": {
                    "coding": [{"system": CPT, "code": line.code, "display": line.display}]
                },
                **(
                    {
                        "modifier": [
                            {
                                "coding": [
                                    {"system": CPT if m in CPT_MODIFIERS else HCPCS, "code": m}
                                ]
                            }
                            for m in line.modifiers
                        ]
                    }
                    if line.modifiers
                    else {}
                ),
                "servicedDate": claim.service_date.isoformat(),
                "locationCodeableConcept": {"coding": [{"system": POS, "code": line.place}]},
                "quantity": {"value": line.units},
            }
            for index, line in enumerate(claim.lines, start=1)
        ],
    }
    Claim.model_validate(resource)
    return resource
