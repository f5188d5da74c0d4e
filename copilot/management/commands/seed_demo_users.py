"""`manage.py seed_demo_users`: sign-in accounts for the sandbox's clinicians (development only)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from copilot.accounts.models import Clinician

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
