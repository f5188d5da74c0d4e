"""Pre-drafts: when the EHR says an appointment ended (webhook `appointment.completed`),
the notes each clinician typed into the sidebar for that client during it are drafted
at once, so the draft waits for them when they come back to write the note up.

Who gets one: a clinician whose autosaved draft-form text for the client
(ComposerText) is not blank, changed within PREDRAFT_WINDOW_HOURS (default 12) and
after their last draft for the client (so what they typed has not been drafted yet),
and who may still open the client (copilot.access.caseload_for). The draft is made as
the sidebar would make it (the form's template, the same engine, risk flags, the
ledger's ai.draft entry with origin "appointment"); nothing is approved or written.
One pre-draft per typing: a repeated event finds a draft newer than the text.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from copilot.access.caseload import caseload_for
from copilot.drafting.engines import EngineError
from copilot.drafting.templates import NoteTemplate
from copilot.drafting.text import segment
from copilot.drafting.types import DraftRequest, EngineInfo
from copilot.ehr import ChartGateway, get_gateway

from . import generation, services
from .models import ComposerText, Draft

logger = logging.getLogger(__name__)


def predraft_candidates(client_id: str, *, now: datetime | None = None) -> list[ComposerText]:
    """The composer texts for `client_id` that a pre-draft would draft now (see the
    module docstring), with their authors loaded."""
    since = (now or timezone.now()) - timedelta(hours=settings.PREDRAFT_WINDOW_HOURS)
    typed = ComposerText.objects.select_related("author__clinician").filter(
        client_id=client_id, updated_at__gte=since, author__is_active=True
    )
    return [c for c in typed if c.text.strip() and not _drafted_since(c)]


def _drafted_since(composer: ComposerText) -> bool:
    return Draft.objects.filter(
        author_id=composer.author_id,
        client_id=composer.client_id,
        created_at__gte=composer.updated_at,
    ).exists()


@transaction.atomic
def predraft_claim(
    composer_id: int, *, template: NoteTemplate, text: str, engine: EngineInfo
) -> Draft | None:
    """Create the pre-draft of one composer text, unless another worker already did
    (the row is locked while checking): the `generating` Draft, or None."""
    composer = ComposerText.objects.select_for_update().select_related("author").get(pk=composer_id)
    if _drafted_since(composer):
        return None
    return services.draft_create(
        actor=composer.author,
        client_id=composer.client_id,
        template=template,
        text=text,
        kind=segment(text)[0],
        engine=engine,
        origin=Draft.Origin.APPOINTMENT,
    )


async def predraft_client(client_id: str, *, gateway: ChartGateway | None = None) -> list[Draft]:
    """Pre-draft every candidate's notes for `client_id` and return the drafts made
    (finished: `complete`, or `incomplete` with the engine's reason). A text the form
    would refuse (too long, an unknown template) is left as typed, for the clinician.
    Raises EhrError when the chart or a caseload cannot be read (nothing is created for
    that clinician then; a retry starts again)."""
    from copilot.summaries import engine_for  # summaries imports review

    candidates = await sync_to_async(predraft_candidates)(client_id)
    if not candidates:
        return []
    gateway = gateway or get_gateway()
    chart = await gateway.chart(client_id)
    drafts = []
    for composer in candidates:
        if client_id not in await caseload_for(composer.author):
            continue
        try:
            template, text = services.draft_input_validate(
                template_key=composer.template_key or "soap", text=composer.text
            )
            engine = engine_for(template)
            clinician = composer.author.get_full_name()
            request = DraftRequest(template, text, chart, segment(text)[0], clinician=clinician)
            await engine.prepare(request)
        except (services.DraftInputError, EngineError) as error:
            logger.info("No pre-draft for composer %s: %s", composer.pk, error)
            continue
        draft = await sync_to_async(predraft_claim)(
            composer.pk, template=template, text=text, engine=engine.info
        )
        if draft is not None:
            drafts.append(
                await generation.draft_run_unattended(draft=draft, request=request, engine=engine)
            )
    return drafts
