"""Background work of the write-back outbox (Celery tasks, copilot.config.celery).

`outbox_sweep` runs every OUTBOX_POLL_SECONDS (beat): it sends the approved notes
and treatment-plan reviews that are due - retries after the EHR was down, and
writes whose sender died mid-lease. Rows are claimed before they are sent
(outbox.claim_due, SELECT … FOR UPDATE SKIP LOCKED), so any number of workers can
sweep at once without writing one note twice.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from celery import shared_task

from copilot.plans.services import plan_approvals_deliver_due

from . import outbox


@shared_task(name="copilot.outbox_sweep", ignore_result=True)
def outbox_sweep() -> dict[str, int]:
    """Send every due note and plan review; returns how many of each were touched."""
    notes = async_to_sync(outbox.deliver_due)()
    plans = async_to_sync(plan_approvals_deliver_due)()
    return {"notes": len(notes), "plans": len(plans)}
