from __future__ import annotations

from django.conf import settings
from django.db import models


class CaseloadAssignment(models.Model):
    """A client on a clinician's caseload by an admin's decision, for EHRs (or clients)
    without a CareTeam naming the clinician. `client_id` is the FHIR Patient id."""

    clinician = models.ForeignKey(
        "copilot.Clinician", on_delete=models.CASCADE, related_name="caseload_assignments"
    )
    client_id = models.CharField("FHIR Patient id", max_length=64)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinician", "client_id"], name="caseload_once")
        ]

    def __str__(self) -> str:
        return f"{self.clinician} · Patient/{self.client_id}"
