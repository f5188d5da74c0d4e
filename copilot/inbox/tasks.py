"""Background work of the inbox (Celery; beat schedules both): escalate urgent
messages left unacknowledged (every minute) and draft outreach from the schedule
(every hour). Approved messages are sent by the outbox sweep (copilot.review.tasks)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from celery import shared_task

from copilot.ehr import EhrUnavailable

from . import services


@shared_task(name="copilot.inbox_escalate", ignore_result=True)
def inbox_escalate() -> int:
    """Escalate the urgent messages due (services.escalate_due); returns how many."""
    return len(services.escalate_due())


@shared_task(
    name="copilot.inbox_outreach",
    autoretry_for=(EhrUnavailable,),
    retry_backoff=30,
    max_retries=5,
    ignore_result=True,
)
def inbox_outreach() -> int:
    """Draft reminders, follow-ups and welcomes (services.outreach_prepare); returns
    how many were drafted."""
    return len(async_to_sync(services.outreach_prepare)())
