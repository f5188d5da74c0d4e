"""Reads of group sessions."""

from __future__ import annotations

from collections.abc import Collection

from .models import GroupNote, GroupSession


def session_notes(session: GroupSession, caseload: Collection[str]) -> list[GroupNote]:
    """The session's member notes whose client is on `caseload` (a member who left the
    facilitator's caseload is no longer shown), with their drafts' approval and
    write-back, in roster order."""
    notes = GroupNote.objects.filter(session=session, client_id__in=list(caseload))
    return list(
        notes.select_related("draft__approval__write_back").prefetch_related("draft__sections")
    )
