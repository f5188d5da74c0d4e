"""Whose clients a user may open: the caseload.

A clinician's caseload is every client of an active FHIR CareTeam that names their
Practitioner (CareTeam.participant.member), plus the clients an admin assigned to
them (CaseloadAssignment) where the EHR keeps no CareTeam. A supervisor's caseload
adds their supervisees' caseloads. An admin's caseload is empty: admins manage users
and assignments but read no clinical content.

The CareTeam search runs on every request, so its result is cached per user for
CASELOAD_CACHE_SECONDS (Django's default cache), and the last one read stands in
while the EHR is unavailable; assignments are read from the database each time,
so an admin's change counts at once.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

from copilot.accounts.models import Clinician
from copilot.ehr import EhrUnavailable, get_gateway

from .models import CaseloadAssignment


def treating_clinicians(user: AbstractBaseUser | None) -> list[Clinician]:
    """The clinicians whose caseloads `user` sees: themself, and their supervisees if
    they supervise; [] for anonymous users, users without a Clinician record and admins."""
    clinician = getattr(user, "clinician", None) if user and user.is_authenticated else None
    if clinician is None or clinician.role == Clinician.Role.ADMIN:
        return []
    return [clinician, *clinician.supervisees.exclude(role=Clinician.Role.ADMIN)]


def assigned_clients(clinicians: list[Clinician]) -> frozenset[str]:
    """Client ids an admin assigned to any of these clinicians."""
    rows = CaseloadAssignment.objects.filter(clinician__in=clinicians)
    return frozenset(rows.values_list("client_id", flat=True))


async def care_team_clients(user: AbstractBaseUser, clinicians: list[Clinician]) -> frozenset[str]:
    """Client ids of the EHR's active CareTeams naming any of these clinicians' Practitioner,
    cached per user for CASELOAD_CACHE_SECONDS. While the EHR is unavailable the last
    caseload read (at most CASELOAD_STALE_SECONDS old) stands in, so an open sidebar
    keeps working through an outage; without one, EhrUnavailable is raised."""
    fresh, last = f"caseload:care-team:{user.pk}", f"caseload:care-team-last:{user.pk}"
    cached = await cache.aget(fresh)
    if cached is not None:
        return frozenset(cached)
    try:
        clients = await _read_care_teams(clinicians)
    except EhrUnavailable:
        stale = await cache.aget(last)
        if stale is None:
            raise
        return frozenset(stale)
    await cache.aset(fresh, sorted(clients), timeout=settings.CASELOAD_CACHE_SECONDS)
    await cache.aset(last, sorted(clients), timeout=settings.CASELOAD_STALE_SECONDS)
    return clients


async def _read_care_teams(clinicians: list[Clinician]) -> frozenset[str]:
    gateway = get_gateway()
    practitioners = sorted({c.practitioner_id for c in clinicians if c.practitioner_id})
    found = await asyncio.gather(*(gateway.care_team_clients(p) for p in practitioners))
    return frozenset().union(*found)


async def caseload_for(user: AbstractBaseUser | None) -> frozenset[str]:
    """Every client id `user` may open (see the module docstring). Raises EhrError when
    the EHR's CareTeams cannot be read."""
    clinicians = await sync_to_async(treating_clinicians)(user)
    if not clinicians:
        return frozenset()
    assigned = await sync_to_async(assigned_clients)(clinicians)
    return assigned | await care_team_clients(user, clinicians)
