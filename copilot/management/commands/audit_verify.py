"""manage.py audit_verify: walk the audit ledger's hash chain; exit 1 naming the first
entry that does not verify."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from copilot.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit ledger's hash chain and name the first entry that fails."

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Ledger entry #{result.broken} does not verify: {result.reason} "
                f"({result.checked} entries before it verified)."
            )
        self.stdout.write(f"Audit ledger verified: {result.checked} entries, chain intact.")
