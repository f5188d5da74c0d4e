"""Coding suggestions for a draft: only once it is approved; each run is audited."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.drafting.templates import UnknownTemplate, get_template
from copilot.ehr import get_gateway
from copilot.review.models import Approval, Draft

from .suggest import CodingSuggestions, suggest_codes

# LOINC document types of notes that document a billable encounter: the progress note
# (11506-3: psychotherapy CPT by time) and the intake evaluation (78306-8 Mental health
# History and physical note: 90791). Discharge and referral summaries bill nothing.
CODED_DOCUMENT_TYPES = frozenset({"11506-3", "78306-8"})


class NotApproved(Exception):
    """Codes are suggested for approved notes only."""


class NotCoded(Exception):
    """Codes are suggested for encounter notes only, not for summaries."""


def is_coded(draft: Draft) -> bool:
    """Whether `draft`'s template writes a note type that documents a billable
    encounter (CODED_DOCUMENT_TYPES)."""
    try:
        return get_template(draft.template_key).document_type.code in CODED_DOCUMENT_TYPES
    except UnknownTemplate:
        return False


async def codes_for_draft(*, actor: AbstractBaseUser, draft: Draft) -> CodingSuggestions:
    """Suggestions for the note exactly as approved, against the client's chart as the
    EHR holds it now; a ledger entry records the run. Raises NotCoded (a summary),
    NotApproved, or EhrError when the chart cannot be read."""
    if not is_coded(draft):
        raise NotCoded("Codes are suggested for session notes, not for summaries.")
    approval = await Approval.objects.filter(draft=draft).afirst()
    if approval is None:
        raise NotApproved("Codes are suggested once the note is approved.")
    chart = await get_gateway().chart(draft.client_id)
    suggestions = suggest_codes(approval.note_text, chart, draft.created_at.date())
    await sync_to_async(record)(entries.codes_suggested(draft, suggestions), actor=actor)
    return suggestions
