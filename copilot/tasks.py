"""Every Celery task of the copilot in one module, which the worker's autodiscovery
imports (config/celery.py: `tasks` of each installed app)."""

from copilot.groups.tasks import group_note_draft_task
from copilot.inbox.tasks import inbox_escalate, inbox_outreach
from copilot.retrieval.tasks import apply_ehr_event_task
from copilot.review.tasks import outbox_sweep, predraft_task

__all__ = [
    "apply_ehr_event_task",
    "group_note_draft_task",
    "inbox_escalate",
    "inbox_outreach",
    "outbox_sweep",
    "predraft_task",
]
