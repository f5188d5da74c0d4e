"""Reading a clinician's identity from OpenID Connect claims.

Roles arrive as a list claim (`OIDC_ROLES_CLAIM`, default `roles`) holding any of
`clinician`, `supervisor`, `admin`; the FHIR Practitioner as SMART's `fhirUser`
claim (SMART App Launch 2.0, "fhirUser": a URL, absolute or relative, of a
Practitioner resource); the co-signing supervisor, for pre-licensed clinicians, as a
`supervisor` claim holding that supervisor's fhirUser.
"""

from __future__ import annotations

import re

from .models import Clinician

# FHIR R4 `id`: 1-64 of A-Z a-z 0-9 - .
PRACTITIONER_URL = re.compile(r"(?:^|/)Practitioner/([A-Za-z0-9\-.]{1,64})$")
# Highest first: a user holding several roles gets the broadest.
ROLE_ORDER = (Clinician.Role.ADMIN, Clinician.Role.SUPERVISOR, Clinician.Role.CLINICIAN)


def role_from_claims(claims: dict, claim: str = "roles") -> Clinician.Role | None:
    """The copilot role named by `claims[claim]` (a list of strings, or one string);
    None when it names none of clinician, supervisor, admin."""
    values = claims.get(claim) or []
    granted = {values} if isinstance(values, str) else {str(v) for v in values}
    return next((role for role in ROLE_ORDER if role.value in granted), None)


def practitioner_id(fhir_user: object) -> str | None:
    """The Practitioner id of a fhirUser URL ("…/Practitioner/pr-chen" → "pr-chen");
    None when it is missing or names another resource type (Patient, RelatedPerson)."""
    if not isinstance(fhir_user, str):
        return None
    match = PRACTITIONER_URL.search(fhir_user)
    return match.group(1) if match else None
