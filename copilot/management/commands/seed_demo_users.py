"""`manage.py seed_demo_users`: sign-in accounts for the sandbox's clinicians (development only)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from copilot.access.models import CaseloadAssignment
from copilot.accounts.models import Clinician
from copilot.ehr import EhrError, get_gateway

PASSWORD = "demo"  # noqa: S105 - development sandbox only, refused when DEBUG is off
# username, Practitioner id in sandbox/seed/behavioral-health.mjs, name, role, supervisor
DEMO_CLINICIANS = [
    ("rivera", "pr-rivera", "Dr. Elena Rivera", Clinician.Role.SUPERVISOR, None),
    ("chen", "pr-chen", "Mei Chen", Clinician.Role.CLINICIAN, None),
    ("okafor", "pr-okafor", "Samuel Okafor", Clinician.Role.CLINICIAN, None),
    ("patel", "pr-patel", "Arjun Patel", Clinician.Role.CLINICIAN, "rivera"),
]


class Command(BaseCommand):
    help = "Create the demo clinicians' accounts (password 'demo'); only with DEBUG on."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="also when DEBUG is off (tests)")

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options):
        from django.conf import settings

        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for development only (DEBUG is off).")
        users = get_user_model()
        made: dict[str, Clinician] = {}
        for username, practitioner, name, role, supervisor in DEMO_CLINICIANS:
            user, _ = users.objects.get_or_create(username=username)
            user.set_password(PASSWORD)
            user.save()
            clinician, _ = Clinician.objects.update_or_create(
                user=user,
                defaults={
                    "practitioner_id": practitioner,
                    "display_name": name,
                    "role": role,
                    "requires_cosign": supervisor is not None,
                    "supervisor": made.get(supervisor) if supervisor else None,
                },
            )
            made[username] = clinician
        self.stdout.write(f"Demo clinicians: {', '.join(made)} (password '{PASSWORD}').")
        self.seed_admin(users)
        self.assign_clients_without_care_team(list(made.values()))

    def seed_admin(self, users) -> None:
        """`admin`: manages users and caseload assignments in the admin site; sees no charts."""
        user, _ = users.objects.get_or_create(username="admin")
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        Clinician.objects.update_or_create(
            user=user, defaults={"display_name": "Practice admin", "role": Clinician.Role.ADMIN}
        )
        self.stdout.write("Demo admin: admin (admin site only; no clinical content).")

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


async def _clients_without_care_team(clinicians: list[Clinician]) -> list[str]:
    gateway = get_gateway()
    teamed: set[str] = set()
    for clinician in clinicians:
        teamed |= await gateway.care_team_clients(clinician.practitioner_id)
    return [client.id for client in await gateway.clients() if client.id not in teamed]
