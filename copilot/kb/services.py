"""Loading a folder of practice documents into the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .documents import DocumentError, documents_in, read_document, section_title
from .index import PracticeIndex
from .models import PracticeDocumentRecord


@dataclass
class LoadResult:
    """File names by outcome; `failed` maps a file name to why it was not loaded."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def load_folder(folder: Path, *, prune: bool = False) -> LoadResult:
    """Load every Markdown, PDF and DOCX file of `folder` into the knowledge base.

    A file whose bytes are unchanged since its last load is skipped; a file that
    cannot be read is reported in `failed` and the others still load. With `prune`,
    documents no longer in the folder leave the knowledge base. Raises
    NotADirectoryError when `folder` is not a folder.
    """
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder.")
    result, index = LoadResult(), PracticeIndex()
    known = {r.file_name: r for r in PracticeDocumentRecord.objects.all()}
    paths = documents_in(folder)
    for path in paths:
        try:
            document = read_document(path)
        except DocumentError as error:
            result.failed[path.name] = str(error)
            continue
        record = known.get(document.file_name)
        if record is not None and record.sha256 == document.sha256 and record.chunk_count:
            result.unchanged.append(document.file_name)
            continue
        chunks = index.replace(document)
        PracticeDocumentRecord.objects.update_or_create(
            file_name=document.file_name,
            defaults={
                "title": document.title,
                "sha256": document.sha256,
                "sections": [
                    {"heading": x.heading, "path": list(x.path), "text": x.text}
                    for x in document.sections
                ],
                "chunk_count": chunks,
            },
        )
        result.loaded.append(document.file_name)
    if prune:
        present = {p.name for p in paths}
        for file_name in sorted(set(known) - present):
            remove_document(file_name)
            result.removed.append(file_name)
    return result


@transaction.atomic
def remove_document(file_name: str) -> None:
    """Take one document out of the knowledge base (index and record)."""
    PracticeIndex().remove(file_name)
    PracticeDocumentRecord.objects.filter(file_name=file_name).delete()


@dataclass(frozen=True)
class CitedSection:
    """A section of a loaded document, as a citation opens it."""

    file_name: str
    title: str  # "<document title> › <heading>"
    text: str


def cited_section(source: str) -> CitedSection | None:
    """The section a citation "kb:<file name>#<heading>" names, or None."""
    if not source.startswith("kb:") or "#" not in source:
        return None
    file_name, heading = source[3:].split("#", 1)
    record = PracticeDocumentRecord.objects.filter(file_name=file_name).first()
    section = record.section(heading) if record else None
    if section is None:
        return None
    return CitedSection(file_name, section_title(record.title, section["path"]), section["text"])
