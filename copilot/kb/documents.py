"""A practice's own documents read into titled sections: Markdown, PDF and DOCX.

- Markdown: `#`, `##`, `###` headings (LangChain's MarkdownHeaderTextSplitter);
- DOCX: paragraphs styled Title or Heading 1-3 (python-docx);
- PDF: the document outline (bookmarks) names the headings and pypdf's text is
  cut where each heading's line appears; a PDF without an outline is one section
  per page ("Page 2").

The first top-level heading is the document's title (else the file name). Every
section keeps the path of headings above it; its `heading` is the lowest one,
which is what a citation names ("prior-authorization-procedure.md" § "Documents
Needed").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

from docx.opc.exceptions import PackageNotFoundError
from pypdf.errors import PyPdfError

_UNREADABLE = (
    UnicodeDecodeError, ValueError, KeyError, OSError, PyPdfError, BadZipFile, PackageNotFoundError
)  # fmt: skip

SUFFIXES = (".md", ".markdown", ".pdf", ".docx")
SKIPPED = {"readme.md", "readme.markdown"}  # a folder's own description, not a document


class DocumentError(ValueError):
    """A file that cannot be read as a practice document; `str()` says why."""


@dataclass(frozen=True)
class Section:
    """Text under one heading. `path`: the headings from the title down to this one."""

    heading: str
    path: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class PracticeDocument:
    """One file of the knowledge base: its name (unique in the practice), title,
    SHA-256 of its bytes, and sections in reading order."""

    file_name: str
    title: str
    sha256: str
    sections: tuple[Section, ...]


def section_title(title: str, path: tuple[str, ...] | list[str]) -> str:
    """How a section is named to the clinician: "<document title> › <heading> › …"."""
    return " › ".join(dict.fromkeys([title, *path[1:]]))


def documents_in(folder: Path) -> list[Path]:
    """The files of `folder` (not its subfolders) the loader reads, by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and p.name.lower() not in SKIPPED
    )


def read_document(path: Path) -> PracticeDocument:
    """The document at `path`; raises DocumentError for an unsupported, unreadable or
    empty file."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"{path.name}: only Markdown, PDF and DOCX files can be loaded.")
    data = path.read_bytes()
    try:
        if suffix == ".pdf":
            sections = _pdf_sections(path)
        elif suffix == ".docx":
            sections = _docx_sections(path)
        else:
            sections = _markdown_sections(data.decode("utf-8"))
    except _UNREADABLE as error:
        raise DocumentError(f"{path.name}: could not be read ({error}).") from error
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise DocumentError(f"{path.name}: holds no text to search.")
    title = next((s.path[0] for s in sections if s.path), path.stem.replace("-", " ").title())
    return PracticeDocument(path.name, title, hashlib.sha256(data).hexdigest(), tuple(sections))


def _markdown_sections(text: str) -> list[Section]:
    from langchain_text_splitters import MarkdownHeaderTextSplitter

    levels = [("#", "h1"), ("##", "h2"), ("###", "h3")]
    splitter = MarkdownHeaderTextSplitter(levels, strip_headers=True)
    sections = []
    for piece in splitter.split_text(text):
        path = tuple(piece.metadata[key] for _, key in levels if key in piece.metadata)
        sections.append(Section(path[-1] if path else "", path, piece.page_content.strip()))
    return sections


_DOCX_LEVEL = re.compile(r"^(?:Title|Heading ([1-3]))$")


def _docx_sections(path: Path) -> list[Section]:
    import docx

    sections: list[Section] = []
    path_now: list[str] = []
    lines: list[str] = []

    def close() -> None:
        if lines:
            heading = path_now[-1] if path_now else ""
            sections.append(Section(heading, tuple(path_now), "\n".join(lines)))
            lines.clear()

    for paragraph in docx.Document(str(path)).paragraphs:
        text = paragraph.text.strip()
        level = _DOCX_LEVEL.match(paragraph.style.name if paragraph.style else "")
        if level and text:
            close()
            depth = int(level.group(1) or 1)
            path_now[:] = [*path_now[: depth - 1], text]
        elif text:
            lines.append(text)
    close()
    return sections


def _pdf_sections(path: Path) -> list[Section]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [page.extract_text() or "" for page in reader.pages]
    outline = list(_outline(reader, reader.outline, 0))
    if not outline:
        return [Section(f"Page {n}", (f"Page {n}",), t) for n, t in enumerate(pages, 1)]
    text = "\n".join(pages)
    cuts: list[tuple[int, int, int, str]] = []  # (start of heading, end, depth, title)
    at = 0
    for depth, title in outline:
        match = re.compile(r"\s+".join(map(re.escape, title.split()))).search(text, at)
        if match:
            cuts.append((match.start(), match.end(), depth, title))
            at = match.end()
    sections, path_now = [], []
    for i, (_, end, depth, title) in enumerate(cuts):
        path_now[:] = [*path_now[:depth], title]
        following = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        body = re.sub(r"(?<![.:;!?])\n(?=[a-z(])", " ", text[end:following]).strip()
        sections.append(Section(title, tuple(path_now), body))
    return sections


def _outline(reader, items, depth: int):
    """(depth, title) of the outline entries in order; nested lists are one level deeper."""
    for item in items:
        if isinstance(item, list):
            yield from _outline(reader, item, depth + 1)
        elif getattr(item, "title", None):
            yield depth, str(item.title).strip()
