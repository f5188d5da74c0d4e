"""Group notes drafted on a worker (Celery): one task per attending member, queued by
copilot.groups.services.group_session_draft when there is a task queue, so a
facilitator's ten-member session neither holds their request nor one worker."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from celery import shared_task

from copilot.drafting.engines import EngineError
from copilot.ehr import EhrError, EhrUnavailable

from . import services

logger = logging.getLogger(__name__)
RETRIES = 6  # backoff 5 s doubling to 160 s: about 5 minutes of EHR outage


@shared_task(name="copilot.group_note_draft", bind=True, max_retries=RETRIES, ignore_result=True)
def group_note_draft_task(self, draft_id: str) -> str:
    """Draft the queued member note `draft_id` (a Draft's UUID); returns its status
    ("skipped" when it was no longer waiting). EhrUnavailable is retried RETRIES times
    with exponential backoff; after that, or on any other EhrError or an EngineError,
    the note stops `incomplete` with the reason."""
    try:
        draft = async_to_sync(services.group_note_draft)(draft_id)
    except EhrUnavailable as error:
        if self.request.retries < RETRIES:
            raise self.retry(countdown=5 * 2**self.request.retries) from error
        return _fail(draft_id, f"{error.message} The note could not be drafted; draft it again.")
    except (EhrError, EngineError) as error:
        return _fail(draft_id, error.message)
    return draft.status if draft is not None else "skipped"


def _fail(draft_id: str, detail: str) -> str:
    logger.warning("Group note %s not drafted: %s", draft_id, detail)
    async_to_sync(services.group_note_fail)(draft_id, detail)
    return "incomplete"
