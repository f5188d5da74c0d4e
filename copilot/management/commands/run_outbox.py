"""`manage.py run_outbox`: keep sending approved notes, treatment-plan reviews and
messages to clients and claims that wait for the EHR."""

from __future__ import annotations

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand

from copilot.claims.services import deliver_due as claims_deliver_due
from copilot.inbox.services import deliver_due as messages_deliver_due
from copilot.plans.services import plan_approvals_deliver_due
from copilot.review.outbox import deliver_due


class Command(BaseCommand):
    help = (
        "Deliver approved notes and plan reviews to the EHR, retrying with backoff "
        "(runs until stopped)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args, once: bool = False, **options):
        asyncio.run(self.loop(once=once))

    async def loop(self, *, once: bool) -> None:
        while True:
            for row in await deliver_due():
                self.stdout.write(f"write-back {row.pk}: {row.status} {row.last_error}".rstrip())
            for plan in await plan_approvals_deliver_due():
                line = f"plan review {plan.review_id}: {plan.status} {plan.last_error}"
                self.stdout.write(line.rstrip())
            for message in await messages_deliver_due():
                line = f"message {message.pk}: {message.status} {message.last_error}"
                self.stdout.write(line.rstrip())
            for claim in await claims_deliver_due():
                line = f"claim {claim.pk}: {claim.status} {claim.last_error}"
                self.stdout.write(line.rstrip())
            if once:
                return
            await asyncio.sleep(settings.OUTBOX_POLL_SECONDS)
