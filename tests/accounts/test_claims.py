"""Roles, Practitioner and supervisor from claims, and the admin's mapping kept."""

from __future__ import annotations

import pytest

from copilot.accounts.claims import practitioner_id, role_from_claims
from copilot.accounts.models import Clinician
from copilot.accounts.oidc import ClinicianOIDCBackend
from copilot.accounts.services import clinician_sync_from_claims
from tests.factories import ClinicianFactory, UserFactory

pytestmark = pytest.mark.django_db
BASE = "http://127.0.0.1:8090/fhir/R4"


@pytest.mark.parametrize(
    ("roles", "role"),
    [
        (["clinician"], "clinician"),
        (["supervisor"], "supervisor"),
        ("admin", "admin"),
        (["clinician", "supervisor"], "supervisor"),
        (["staff", "admin", "clinician"], "admin"),
        (["billing"], None),
        ([], None),
        (None, None),
    ],
)
def test_the_broadest_known_role_is_taken(roles, role):
    assert role_from_claims({"roles": roles}) == role


def test_the_roles_claim_name_is_configurable():
    assert role_from_claims({"groups": ["supervisor"]}, "groups") == "supervisor"


@pytest.mark.parametrize(
    ("fhir_user", "expected"),
    [
        (f"{BASE}/Practitioner/pr-chen", "pr-chen"),
        ("Practitioner/pr-chen", "pr-chen"),
        (f"{BASE}/Patient/bh-001", None),
        (f"{BASE}/Practitioner/bad id", None),
        (None, None),
        (7, None),
    ],
)
def test_the_practitioner_comes_from_a_fhir_user_url(fhir_user, expected):
    assert practitioner_id(fhir_user) == expected


def test_a_user_without_a_copilot_role_is_refused():
    backend = ClinicianOIDCBackend()

    assert not backend.verify_claims({"sub": "x", "roles": ["billing"]})
    assert not backend.verify_claims({"roles": ["clinician"]})
    assert backend.verify_claims({"sub": "x", "roles": ["clinician"]})


def test_without_a_fhir_user_claim_the_admins_mapping_stays():
    clinician = ClinicianFactory(practitioner_id="pr-okafor", requires_cosign=True)

    synced = clinician_sync_from_claims(
        user=clinician.user, claims={"sub": "x", "name": "Sam"}, role=Clinician.Role.CLINICIAN
    )

    assert synced.practitioner_id == "pr-okafor" and synced.requires_cosign
    assert synced.display_name == "Sam"


def test_a_role_taken_away_takes_the_admin_site_with_it():
    user = UserFactory(is_staff=True, is_superuser=True)

    clinician_sync_from_claims(user=user, claims={}, role=Clinician.Role.CLINICIAN)

    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser
