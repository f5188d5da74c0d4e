"""Background work of the write-back outbox (Celery tasks, copilot.config.celery).

`outbox_sweep` runs every OUTBOX_POLL_SECONDS (beat): it sends the approved notes
and treatment-plan reviews that are due - retries after the EHR was down, and
writes whose sender died mid-lease. Rows are claimed before they are sent
(outbox.claim_batch, SELECT … FOR UPDATE SKIP LOCKED), so any number of workers can
sweep at once without writing one note twice.

`predraft_task` drafts what clinicians typed for a client when the EHR says the
appointment ended (copilot.review.predraft).
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from celery import shared_task
from django.conf import settings

from copilot.claims.services import deliver_due as claims_deliver_due
from copilot.ehr import EhrUnavailable
from copilot.inbox.services import deliver_due as messages_deliver_due
from copilot.plans.services import plan_approvals_deliver_due

from . import outbox
from .predraft import predraft_client

RETRIES = 6  # backoff 5 s doubling to 160 s: about 5 minutes of EHR outage


@shared_task(name="copilot.outbox_sweep", ignore_result=True)
def outbox_sweep() -> dict[str, int]:
    """Send every due note, plan review, approved message to a client and approved
    claim; returns how many of each were touched."""
    notes = async_to_sync(outbox.deliver_due)()
    plans = async_to_sync(plan_approvals_deliver_due)()
    messages = async_to_sync(messages_deliver_due)()
    claims = async_to_sync(claims_deliver_due)()
    return {
        "notes": len(notes),
        "plans": len(plans),
        "messages": len(messages),
        "claims": len(claims),
    }


@shared_task(name="copilot.predraft", bind=True, max_retries=RETRIES, ignore_result=True)
def predraft_task(self, client_id: str) -> int:
    """Pre-draft the notes typed for `client_id` (a FHIR Patient id); returns how many
    drafts were made. EhrUnavailable is retried RETRIES times with exponential backoff
    (pre-drafts already made are not made again); any other EhrError ends the task."""
    try:
        return len(async_to_sync(predraft_client)(client_id))
    except EhrUnavailable as error:
        raise self.retry(countdown=5 * 2**self.request.retries) from error


def predraft_after_appointment(client_id: str) -> int | None:
    """Pre-draft for `client_id` on a worker when there is a task queue (returns None at
    once), else now (returns how many drafts were made; raises EhrError)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        predraft_task.delay(client_id)
        return None
    return len(async_to_sync(predraft_client)(client_id))
