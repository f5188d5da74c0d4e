"""Background indexing (Celery tasks): an EHR webhook's event applied to the index.

The webhook queues the event and answers 202 at once, so a large chart never
outlasts the EHR's webhook timeout; a worker re-reads the entry or the client's
chart and indexes it, retrying with backoff while the EHR is unavailable.
"""

from __future__ import annotations

import dataclasses

from asgiref.sync import async_to_sync
from celery import shared_task
from django.conf import settings

from copilot.ehr import EhrUnavailable, get_gateway
from copilot.ehr.webhook import WebhookEvent

from .sync import SyncResult, apply_ehr_event


def index_ehr_event(event: WebhookEvent) -> SyncResult | None:
    """Bring the index up to date with `event`: queued for a worker when there is a
    task queue (returns None at once), else applied now (returns what changed; raises
    EhrError when the EHR cannot be read, and nothing changed then)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        apply_ehr_event_task.delay(event.name, event.reference)
        return None
    return async_to_sync(apply_ehr_event)(get_gateway(), event)


@shared_task(
    name="copilot.apply_ehr_event",
    autoretry_for=(EhrUnavailable,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=10,
    ignore_result=True,
)
def apply_ehr_event_task(name: str, reference: str) -> dict[str, int]:
    """Apply one webhook event (`WebhookEvent.name`, `.reference`) to the index;
    returns the SyncResult counts. EhrUnavailable is retried 10 times with exponential
    backoff from 5 s up to 5 min; any other EhrError ends the task (logged)."""
    result = async_to_sync(apply_ehr_event)(get_gateway(), WebhookEvent(name, reference))
    return dataclasses.asdict(result)
