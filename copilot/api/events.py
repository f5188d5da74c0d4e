"""What an authentic EHR webhook event sets going (the webhook view only translates):

- every event brings the client's index up to date (copilot.retrieval.tasks);
- `appointment.completed` also pre-drafts the notes clinicians typed for the client
  during the appointment (copilot.review.predraft).

With a task queue both are queued for a worker; without one both run now.
"""

from __future__ import annotations

from dataclasses import dataclass

from copilot.ehr.webhook import APPOINTMENT_EVENTS, WebhookEvent
from copilot.retrieval.sync import SyncResult
from copilot.retrieval.tasks import index_ehr_event
from copilot.review.tasks import predraft_after_appointment


@dataclass(frozen=True)
class Handled:
    """`index`: what changed in the index (None: queued); `predrafted`: how many
    pre-drafts were made (None: queued, or not an appointment event)."""

    index: SyncResult | None
    predrafted: int | None = None

    @property
    def queued(self) -> bool:
        return self.index is None


def ehr_event_received(event: WebhookEvent) -> Handled:
    """Index, then pre-draft for appointment events. Raises EhrError when the EHR
    cannot be read (without a queue; with one, the workers retry)."""
    index = index_ehr_event(event)
    if event.name not in APPOINTMENT_EVENTS:
        return Handled(index)
    return Handled(index, predraft_after_appointment(event.client_id))
