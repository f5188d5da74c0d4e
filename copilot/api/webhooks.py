"""POST /api/ehr/webhook: the EHR tells us a note or an appointment changed.

Authentication is the HMAC signature, not a session, so the view has no
authentication classes and no CSRF check. Headers:

    X-EHR-Timestamp: Unix time in whole seconds when the EHR sent the call
    X-EHR-Signature: "sha256=" + hex HMAC-SHA256 over f"{timestamp}." + the raw body,
                     keyed with EHR_WEBHOOK_SECRET

A timestamp more than EHR_WEBHOOK_TOLERANCE_SECONDS away from our clock is
refused. Bodies (JSON):

    {"event": "note.created" | "note.updated", "resource": "DocumentReference/<id>"}
        → re-read that note from the EHR and re-index it in its client's index
    {"event": "appointment.completed", "patient": "Patient/<id>"}
        → bring that client's index up to date, and pre-draft the notes clinicians
          typed for the client during the appointment (copilot.api.events)

Answers: with a task queue (REDIS_URL set), 202 {"queued": true} once the work is
queued for a worker (retried while the EHR is down); without one, it is done within
the request: 200 {"added", "updated", "removed", "unchanged"} (and "predrafted", the
number of pre-drafts, for appointment events), or 503 / 502 when the EHR cannot be
read (retry / do not). Either way 401 unsigned, badly signed or stale (logged without the body);
400 unknown event or unreadable body; nothing is queued or changed then.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from django.conf import settings
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from copilot.ehr import EhrError
from copilot.ehr.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    UnknownEvent,
    WebhookRejected,
    parse_event,
    verify,
)

from .events import ehr_event_received

logger = logging.getLogger(__name__)


class EhrWebhook(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def post(self, request: Request) -> Response:
        body = request.body
        try:
            verify(
                body,
                timestamp=request.headers.get(TIMESTAMP_HEADER),
                signature=request.headers.get(SIGNATURE_HEADER),
                secret=settings.EHR_WEBHOOK_SECRET,
                tolerance=settings.EHR_WEBHOOK_TOLERANCE_SECONDS,
                now=time.time(),
            )
            event = parse_event(body)
        except WebhookRejected as rejected:
            logger.warning("EHR webhook refused: %s", rejected.reason)
            return Response({"detail": "Not authenticated."}, status=401)
        except UnknownEvent as unknown:
            logger.warning("EHR webhook ignored: %s", unknown)
            return Response({"detail": str(unknown)}, status=400)
        try:
            handled = ehr_event_received(event)
        except EhrError as error:
            return Response({"detail": error.message}, status=503 if error.retryable else 502)
        if handled.queued:
            return Response({"queued": True}, status=202)
        body = dataclasses.asdict(handled.index)
        if handled.predrafted is not None:
            body["predrafted"] = handled.predrafted
        return Response(body)
