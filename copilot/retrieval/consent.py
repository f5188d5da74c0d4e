"""42 CFR Part 2 consent: record, revoke, and ask whether restricted content may be used."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import Part2Consent


def part2_consent_in_force(client_id: str, *, at: datetime | None = None) -> bool:
    """Whether the client's Part 2 consent allows restricted content at `at` (default now).

    False when no consent was recorded (the default), or it was revoked or expired.
    """
    consent = Part2Consent.objects.filter(client_id=client_id).first()
    return consent is not None and consent.in_force(at or timezone.now())


@transaction.atomic
def part2_consent_record(
    *, actor, client_id: str, expires_at: datetime | None = None
) -> Part2Consent:
    """Record (or renew) the client's written Part 2 consent, as entered by `actor`."""
    consent, _ = Part2Consent.objects.update_or_create(
        client_id=client_id,
        defaults={
            "recorded_by": actor,
            "recorded_at": timezone.now(),
            "expires_at": expires_at,
            "revoked_at": None,
        },
    )
    return consent


@transaction.atomic
def part2_consent_revoke(*, actor, client_id: str) -> None:
    """Mark the client's Part 2 consent revoked from now (no-op without one)."""
    Part2Consent.objects.filter(client_id=client_id, revoked_at=None).update(
        revoked_at=timezone.now(), recorded_by=actor
    )
