"""The Celery app a worker starts (`celery -A config worker`) finds every task."""

from __future__ import annotations


def test_the_worker_discovers_every_task_and_beat_schedules_the_outbox_sweep():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()  # what the worker does at start

    tasks = {"copilot.apply_ehr_event", "copilot.outbox_sweep", "copilot.group_note_draft"}
    assert tasks | {"copilot.predraft", "copilot.inbox_escalate", "copilot.inbox_outreach"} <= set(
        app.tasks
    )
    schedule = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert schedule["task"] == "copilot.outbox_sweep"
    assert schedule["schedule"] == settings.OUTBOX_POLL_SECONDS
