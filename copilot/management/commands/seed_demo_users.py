"""`manage.py seed_demo_users`: the sandbox OpenID provider's users, known in advance
(development only).

They sign in at the provider (sandbox/seed/users.mjs, password "demo" there), which
creates or updates them from their claims anyway; creating them beforehand links
the pre-licensed clinician to her supervisor before the supervisor's first sign-in.
The accounts have no usable password here: Django's password form is for the admin
site's staff only.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from copilot.access.models import CaseloadAssignment
from copilot.accounts.models import Clinician
from copilot.ehr import EhrError, get_gateway

# username (= the provider's sub), Practitioner id in sandbox/seed/behavioral-health.mjs,
# name, role, supervisor's username
DEMO_CLINICIANS = [
    ("rivera", "pr-rivera", "Dr. Elena Rivera", Clinician.Role.SUPERVISOR, None),
    ("chen", "pr-chen", "Mei Chen", Clinician.Role.CLINICIAN, None),
    ("okafor", "pr-okafor", "Samuel Okafor", Clinician.Role.CLINICIAN, None),
    ("patel", "pr-patel", "Arjun Patel", Clinician.Role.CLINICIAN, "rivera"),
    ("admin", "", "Avery Admin", Clinician.Role.ADMIN, None),
]


class Command(BaseCommand):
    help = "Create the sandbox OpenID provider's demo users ahead of sign-in; only with DEBUG on."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="also when DEBUG is off (tests)")

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options):
        from django.conf import settings

        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for development only (DEBUG is off).")
        made: dict[str, Clinician] = {}
        for username, practitioner, name, role, supervisor in DEMO_CLINICIANS:
            made[username] = _clinician(username, practitioner, name, role, made.get(supervisor))
        self.stdout.write(
            f"Demo users: {', '.join(made)} (sign in at the sandbox provider, password 'demo')."
        )
        clinicians = [c for c in made.values() if c.role != Clinician.Role.ADMIN]
        self.assign_clients_without_care_team(clinicians)

    def assign_clients_without_care_team(self, clinicians: list[Clinician]) -> None:
        """The sandbox's Synthea patients have no CareTeam naming our clinicians: assign
        them to every demo clinician, as a practice's admin would (CaseloadAssignment)."""
        try:
            unteamed = async_to_sync(_clients_without_care_team)(clinicians)
        except EhrError as error:
            self.stderr.write(f"No caseload assignments made: {error.message}")
            return
        for clinician in clinicians:
            for client_id in unteamed:
                CaseloadAssignment.objects.get_or_create(clinician=clinician, client_id=client_id)
        self.stdout.write(f"Assigned {len(unteamed)} clients without a CareTeam to each of them.")


def _clinician(username, practitioner, name, role, supervisor) -> Clinician:
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_unusable_password()
    user.is_staff = user.is_superuser = role == Clinician.Role.ADMIN
    user.save()
    clinician, _ = Clinician.objects.update_or_create(
        user=user,
        defaults={
            "practitioner_id": practitioner,
            "display_name": name,
            "role": role,
            "requires_cosign": supervisor is not None,
            "supervisor": supervisor,
        },
    )
    return clinician


async def _clients_without_care_team(clinicians: list[Clinician]) -> list[str]:
    gateway = get_gateway()
    teamed: set[str] = set()
    for clinician in clinicians:
        teamed |= await gateway.care_team_clients(clinician.practitioner_id)
    return [client.id for client in await gateway.clients() if client.id not in teamed]
