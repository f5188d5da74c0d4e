"""The practice-wide Chroma collection of the knowledge base, searched like a chart.

One collection, `practice-kb`, never mixed with any client's: its rows carry no
`client_id` (every client collection is named from a hash and filtered on its
client id, so neither can reach the other). Search is the same hybrid search as a
client's chart (copilot.retrieval.hybrid). A chunk's source is
"kb:<file name>#<heading>", the citation a clinician sees.
"""

from __future__ import annotations

from chromadb.api.models.Collection import Collection
from django.db.models import Count, Max

from copilot.retrieval.chunking import Chunk, get_splitter
from copilot.retrieval.embeddings import embed
from copilot.retrieval.filters import ChunkFilter
from copilot.retrieval.hybrid import Hit, best, hybrid_query, load_corpus
from copilot.retrieval.index import EMBED_BATCH_SIZE, lexical_key, open_collection, write_chunks
from copilot.retrieval.lexical import LexicalIndex, lexical_cache

from .documents import PracticeDocument, section_title
from .models import PracticeDocumentRecord

COLLECTION = "practice-kb"
KIND = "practice-document"


def source_of(file_name: str, heading: str) -> str:
    """The citation of one section: "kb:prior-authorization-procedure.md#Documents Needed"."""
    return f"kb:{file_name}#{heading}"


def chunks_of_document(document: PracticeDocument) -> list[Chunk]:
    """Each section split like chart text (same splitter), titled "<title> › <heading>"."""
    chunks = []
    for section in document.sections:
        title = section_title(document.title, section.path)
        for piece in get_splitter().create_documents([section.text]):
            start = piece.metadata["start_index"]
            chunks.append(
                Chunk(
                    text=piece.page_content,
                    source=source_of(document.file_name, section.heading),
                    kind=KIND,
                    title=title,
                    date="",
                    author="",
                    restricted=False,
                    start=start,
                    end=start + len(piece.page_content),
                    version_id=document.sha256[:12],
                )
            )
    return chunks


class PracticeIndex:
    """Write and search the knowledge base collection."""

    def _collection(self) -> Collection:
        return open_collection(COLLECTION)

    def replace(self, document: PracticeDocument) -> int:
        """Put `document`'s chunks in place of any it had; returns how many."""
        self.remove(document.file_name)
        chunks = chunks_of_document(document)
        write_chunks(self._collection(), chunks, {"file_name": document.file_name})
        return len(chunks)

    def remove(self, file_name: str) -> None:
        """Delete every chunk of one document."""
        self._collection().delete(where={"file_name": file_name})
        lexical_cache.forget(lexical_key(COLLECTION))

    def count(self) -> int:
        """Chunks the knowledge base holds (0: the practice has loaded no documents)."""
        return self._collection().count()

    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The `k` chunks that best answer `query`, best first (hybrid search)."""
        collection = self._collection()
        vectors = embed([query], batch_size=EMBED_BATCH_SIZE)
        hits = hybrid_query(
            collection,
            [query],
            vectors,
            k,
            where=None,
            mask=ChunkFilter().mask,
            lexical=self._lexical(collection),
        )[0]
        return best(hits, k)

    def _lexical(self, collection: Collection) -> LexicalIndex:
        state = PracticeDocumentRecord.objects.aggregate(n=Count("id"), newest=Max("loaded_at"))
        stamp = (collection.count(), state["n"], state["newest"])
        return lexical_cache.get(lexical_key(COLLECTION), stamp, lambda: load_corpus(collection))
