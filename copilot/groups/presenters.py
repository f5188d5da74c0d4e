"""What the group session page shows for each member's note."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .models import GroupNote


@dataclass(frozen=True)
class NoteRow:
    """One member's note of a session: who, where to review it, and how far it got."""

    client_id: str
    name: str
    url: str
    status: str
    written: bool


def note_row(note: GroupNote, name: str) -> NoteRow:
    """`note` (with its draft, approval and write-back loaded) as a row; `name` is the
    member's name as the EHR has it ("" when it could not be read)."""
    return NoteRow(
        client_id=note.client_id,
        name=name or f"Patient/{note.client_id}",
        url=reverse("sidebar", args=[note.client_id]),
        status=_status(note.draft),
        written=_written(note.draft),
    )


def _written(draft) -> bool:
    approval = getattr(draft, "approval", None)
    write_back = getattr(approval, "write_back", None) if approval else None
    return bool(write_back and write_back.status == "written")


def _status(draft) -> str:
    approval = getattr(draft, "approval", None)
    if approval is not None:
        write_back = getattr(approval, "write_back", None)
        if write_back and write_back.status == "written":
            written = f"DocumentReference/{write_back.document_reference_id}"
            return f"Approved · written to the EHR as {written}"
        return "Approved · waiting for the EHR"
    if draft.status == "generating":
        return "Drafting…"
    if draft.status == "incomplete":
        return f"Draft stopped: {draft.status_detail}"
    undecided = sum(1 for s in draft.sections.all() if s.decision == "pending")
    return f"Ready for review · {undecided} section{'s' if undecided != 1 else ''} to decide"
