"""Writes on clinicians: keeping a user's Clinician record in step with their claims."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .claims import practitioner_id
from .models import Clinician


@transaction.atomic
def clinician_sync_from_claims(
    *, user: AbstractBaseUser, claims: dict, role: Clinician.Role
) -> Clinician:
    """Create or update `user`'s Clinician from verified OIDC claims at sign-in.

    The role always follows the claims (admin also makes the user staff and superuser
    for the admin site). The Practitioner follows `fhirUser` and the co-signature rule
    follows `supervisor` when those claims are present; when absent, what an admin set
    in the admin site stays. A supervisor not yet known to the copilot is linked at
    the supervisee's next sign-in.
    """
    clinician = Clinician.objects.filter(user=user).first() or Clinician(user=user)
    clinician.role = role
    clinician.display_name = claims.get("name") or clinician.display_name or user.get_username()
    clinician.practitioner_id = practitioner_id(claims.get("fhirUser")) or clinician.practitioner_id
    supervisor = practitioner_id(claims.get("supervisor"))
    if supervisor:
        clinician.requires_cosign = True
        clinician.supervisor = Clinician.objects.filter(practitioner_id=supervisor).first()
    clinician.save()
    _sync_staff(user, is_admin=role == Clinician.Role.ADMIN)
    return clinician


def _sync_staff(user, *, is_admin: bool) -> None:
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
