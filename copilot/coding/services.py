"""Coding suggestions for a draft: only once it is approved; each run is audited."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.ehr import get_gateway
from copilot.review.models import Approval, Draft

from .suggest import CodingSuggestions, suggest_codes


class NotApproved(Exception):
    """Codes are suggested for approved notes only."""


async def codes_for_draft(*, actor: AbstractBaseUser, draft: Draft) -> CodingSuggestions:
    """Suggestions for the note exactly as approved, against the client's chart as the
    EHR holds it now; a ledger entry records the run. Raises NotApproved, or EhrError
    when the chart cannot be read."""
    approval = await Approval.objects.filter(draft=draft).afirst()
    if approval is None:
        raise NotApproved("Codes are suggested once the note is approved.")
    chart = await get_gateway().chart(draft.client_id)
    suggestions = suggest_codes(approval.note_text, chart, draft.created_at.date())
    await sync_to_async(record)(entries.codes_suggested(draft, suggestions), actor=actor)
    return suggestions
