from __future__ import annotations

from django.conf import settings
from django.db import models


class Clinician(models.Model):
    """A user who treats clients: their FHIR Practitioner, role, and co-signature rule.

    `requires_cosign`: notes of this clinician (pre-licensed) go to `supervisor`'s
    review queue instead of the EHR.
    """

    class Role(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        SUPERVISOR = "supervisor", "Supervisor"
        ADMIN = "admin", "Admin"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    practitioner_id = models.CharField("FHIR Practitioner id", max_length=64)
    display_name = models.CharField(max_length=200)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLINICIAN)
    requires_cosign = models.BooleanField(default=False)
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisees"
    )

    def __str__(self) -> str:
        return self.display_name

    @property
    def practitioner_reference(self) -> str:
        return f"Practitioner/{self.practitioner_id}"
