"""A group session: one facilitator's input for one FHIR Group, drafted into one Draft
per attending member."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class GroupSession(models.Model):
    """One group session drafted by its facilitator (`author`) for the FHIR Group
    `group_id`. The session's own input, which names every member, is not stored: each
    member's Draft holds that member's view of it (copilot.groups.scrub)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_sessions"
    )
    group_id = models.CharField("FHIR Group id", max_length=64)
    group_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.group_name} session {self.id}"


class GroupNote(models.Model):
    """One attending member's Draft of a group session (one per member and session)."""

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="notes")
    draft = models.OneToOneField(
        "copilot.Draft", on_delete=models.PROTECT, related_name="group_note"
    )
    client_id = models.CharField("FHIR Patient id", max_length=64)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client_id"], name="one_note_per_member")
        ]

    def __str__(self) -> str:
        return f"Group note for Patient/{self.client_id} ({self.session_id})"
