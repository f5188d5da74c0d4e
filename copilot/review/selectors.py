"""Reads of drafts: what blocks approval, the note text. (The permission-checked fetch of
a draft is copilot.access.fetch.draft_for_user.)"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from copilot.ehr.base import NoteSection

from .models import ComposerText, CosignRequest, Draft, DraftSection

PLACEHOLDER = "[clinician to complete"


def draft_latest_for_client(user: AbstractBaseUser, client_id: str) -> Draft | None:
    """The clinician's most recent draft for this client (shown again after a reload)."""
    return Draft.objects.filter(author=user, client_id=client_id).order_by("-created_at").first()


def composer_text_for(user: AbstractBaseUser, client_id: str) -> ComposerText | None:
    return ComposerText.objects.filter(author=user, client_id=client_id).first()


def section_included(section: DraftSection) -> bool:
    return section.decision in (DraftSection.Decision.ACCEPTED, DraftSection.Decision.EDITED)


def approval_blockers(draft: Draft) -> list[str]:
    """Why the draft cannot be approved yet, as sentences for the clinician ([] = it can).

    A draft can be approved when the engine finished, every section is decided,
    every positive risk flag is acknowledged, no kept section still holds a
    "[clinician to complete: …]" placeholder, and at least one section is kept.
    """
    if draft.status == Draft.Status.GENERATING:
        return ["The draft is still being written."]
    if draft.status != Draft.Status.COMPLETE:
        detail = f" ({draft.status_detail})" if draft.status_detail else ""
        return [f"This draft is incomplete{detail}; start a new one to approve a note."]
    sections = list(draft.sections.all())
    blockers = []
    undecided = sum(s.decision == DraftSection.Decision.PENDING for s in sections)
    if undecided:
        blockers.append(f"Decide every section ({undecided} left).")
    flags = sum(f.needs_acknowledgement for f in draft.risk_flags.all())
    if flags:
        blockers.append(f"Acknowledge the risk flag{'s' if flags > 1 else ''} ({flags}).")
    placeholders = sum(s.final_text.count(PLACEHOLDER) for s in sections if section_included(s))
    if placeholders:
        blockers.append(f"Complete or remove {placeholders} placeholder{'s' * (placeholders > 1)}.")
    if sections and not undecided and not any(section_included(s) for s in sections):
        blockers.append("Every section was rejected: there is no note to approve.")
    return blockers


def note_sections(draft: Draft) -> tuple[NoteSection, ...]:
    """The kept sections' final text, in template order (rejected sections left out)."""
    return tuple(
        NoteSection(title=s.title, text=s.final_text.strip())
        for s in draft.sections.all()
        if section_included(s)
    )


def note_text(draft: Draft) -> str:
    return "\n\n".join(f"{s.title}:\n{s.text}" for s in note_sections(draft))


def cited_references(draft: Draft) -> tuple[str, ...]:
    """FHIR references of chart entries cited by kept sections, in first-cited order."""
    seen: dict[str, None] = {}
    for section in draft.sections.all():
        if not section_included(section):
            continue
        for sentence in section.sentences:
            for source in sentence.get("sources", []):
                if source.get("reference"):
                    seen.setdefault(source["reference"], None)
    return tuple(seen)


# --- co-signature -----------------------------------------------------------------


def cosign_latest(draft: Draft) -> CosignRequest | None:
    """The draft's most recent co-signature request (pending, returned or co-signed)."""
    return draft.cosign_requests.select_related("decided_by__clinician").order_by("-pk").first()


def cosign_queue(supervisor: AbstractBaseUser) -> QuerySet[CosignRequest]:
    """Pending requests of the clinicians `supervisor` supervises (Clinician.supervisor),
    oldest first, with the draft, its author and risk flags loaded."""
    return (
        CosignRequest.objects.filter(
            status=CosignRequest.Status.PENDING,
            draft__author__clinician__supervisor__user=supervisor,
        )
        .select_related("draft__author__clinician")
        .prefetch_related("draft__risk_flags")
        .order_by("submitted_at")
    )


def cosign_request_get_for_supervisor(user: AbstractBaseUser, draft_id: str) -> CosignRequest:
    """The latest co-signature request of a draft whose author `user` supervises
    (Clinician.supervisor), else CosignRequest.DoesNotExist: also for a malformed id
    or a draft never submitted, so callers need one error path."""
    missing = CosignRequest.DoesNotExist(f"No draft {draft_id!r} to co-sign for this user.")
    try:
        uuid.UUID(str(draft_id))
    except ValueError:
        raise missing from None
    request = (
        CosignRequest.objects.filter(
            draft_id=draft_id, draft__author__clinician__supervisor__user=user
        )
        .select_related("draft__author__clinician", "decided_by__clinician", "approval")
        .order_by("-pk")
        .first()
    )
    if request is None:
        raise missing
    return request
