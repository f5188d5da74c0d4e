"""What the retrieval index holds for each client, and who consented to Part 2 use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ClientIndexState(models.Model):
    """One client's index as of its last sync.

    `high_water` is the newest `meta.lastUpdated` the EHR reported for any indexed
    entry (the EHR's clock, not ours), the `since` of the next incremental sync.
    """

    client_id = models.CharField("FHIR Patient id", max_length=64, unique=True)
    synced_at = models.DateTimeField()
    high_water = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"index of Patient/{self.client_id}"


class IndexedSource(models.Model):
    """One chart entry the index has seen, at the version it was indexed.

    `chunk_count` is 0 for entries that hold no chunks (empty, withdrawn, or
    replaced by another note: `replaced_by` names it).
    """

    client_id = models.CharField("FHIR Patient id", max_length=64)
    reference = models.CharField("FHIR reference", max_length=128)
    version_id = models.CharField(max_length=64, blank=True)
    last_updated = models.DateTimeField(null=True, blank=True)
    restricted = models.BooleanField(default=False)
    chunk_count = models.PositiveIntegerField(default=0)
    replaced_by = models.CharField(max_length=128, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client_id", "reference"], name="indexed_source_once_per_client"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def resource_type(self) -> str:
        return self.reference.split("/", 1)[0]


class Part2Consent(models.Model):
    """A client's written consent to use 42 CFR Part 2 records in chart Q&A.

    Part 2 (42 CFR §2.31) requires a written consent naming the recipient and the
    purpose, which may expire and may be revoked; this row records that the
    practice holds one. Restricted content is searched only while `in_force`:
    recorded, not revoked, not past `expires_at`. No row: not consented (default).
    """

    client_id = models.CharField("FHIR Patient id", max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Part 2 consent of Patient/{self.client_id}"

    def in_force(self, at) -> bool:
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)
