"""Chart entries (SourceDocuments) into the chunks the index embeds and returns.

Text is split with LangChain's RecursiveCharacterTextSplitter (paragraphs, then
lines, sentences, words) with `add_start_index`, so every chunk keeps its
character span in the source text and a citation can point into the note.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

from copilot.chart import SourceDocument

# all-MiniLM-L6-v2 reads at most 256 word pieces; ~800 characters of clinical
# prose is ~200 of them, so a chunk is embedded whole.
CHUNK_CHARS = 800
OVERLAP_CHARS = 100


@dataclass(frozen=True)
class Chunk:
    """A span of one chart entry: `text` is `source text[start:end]`.

    `source` is the FHIR reference ("DocumentReference/abc"), `kind` the entry kind
    (note, diagnosis, medication, goal, care-plan, care-team, measure, intake), `date` an ISO
    date or date-time ("" when unknown), `author` a display name ("" when unknown),
    `restricted` whether it is 42 CFR Part 2 information.
    """

    text: str
    source: str
    kind: str
    title: str
    date: str
    author: str
    restricted: bool
    start: int
    end: int
    version_id: str = ""

    @property
    def heading(self) -> str:
        """What the embedding reads before the text: title and date, so questions
        about "the note from March 2019" or "the intake" find it."""
        when = f" ({self.date[:10]})" if self.date else ""
        return f"{self.title}{when}"


@cache
def get_splitter() -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_CHARS, chunk_overlap=OVERLAP_CHARS, add_start_index=True
    )


def chunks_of(source: SourceDocument) -> list[Chunk]:
    """The chunks of one entry, in text order; [] for an empty or withdrawn entry and for
    a psychotherapy note, which HIPAA keeps out of everything but the author's own use
    (45 CFR 164.508(a)(2)), so it is never searchable nor placed in a prompt."""
    if source.withdrawn or source.psychotherapy or not source.text.strip():
        return []
    pieces = get_splitter().create_documents([source.text])
    return [
        Chunk(
            text=piece.page_content,
            source=source.reference,
            kind=source.kind,
            title=source.title,
            date=source.date.isoformat() if source.date else "",
            author=source.author or "",
            restricted=source.restricted,
            start=piece.metadata["start_index"],
            end=piece.metadata["start_index"] + len(piece.page_content),
            version_id=source.version_id,
        )
        for piece in pieces
    ]
