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
from copilot.retrieval.index import EMBED_BATCH_SIZE, WRITE_BATCH, get_chroma, lexical_key
from copilot.retrieval.lexical import LexicalIndex, lexical_cache

from .documents import PracticeDocument
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
        title = " › ".join(dict.fromkeys([document.title, *section.path[1:]]))
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
        return get_chroma().get_or_create_collection(
            COLLECTION, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )

    def replace(self, document: PracticeDocument) -> int:
        """Put `document`'s chunks in place of any it had; returns how many."""
        self.remove(document.file_name)
        chunks = chunks_of_document(document)
        collection = self._collection()
        vectors = embed([f"{c.title}\n{c.text}" for c in chunks], batch_size=EMBED_BATCH_SIZE)
        for at in range(0, len(chunks), WRITE_BATCH):
            part = chunks[at : at + WRITE_BATCH]
            collection.upsert(
                ids=[f"{c.source}@{c.start}" for c in part],
                embeddings=vectors[at : at + WRITE_BATCH],
                documents=[c.text for c in part],
                metadatas=[_metadata(document.file_name, c) for c in part],
            )
        lexical_cache.forget(lexical_key(COLLECTION))
        return len(chunks)

    def remove(self, file_name: str) -> None:
        """Delete every chunk of one document."""
        self._collection().delete(where={"file_name": file_name})
        lexical_cache.forget(lexical_key(COLLECTION))

    def count(self) -> int:
        return self._collection().count()

    def search(self, query: str, k: int = 5, **_: object) -> list[Hit]:
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
            lexical=lambda: self._lexical(collection),
        )[0]
        return best(hits, k)

    def facets(self) -> tuple[set[str], set[str]]:
        return set(), set()

    def _lexical(self, collection: Collection) -> LexicalIndex:
        state = PracticeDocumentRecord.objects.aggregate(n=Count("id"), newest=Max("loaded_at"))
        stamp = (collection.count(), state["n"], state["newest"])
        return lexical_cache.get(lexical_key(COLLECTION), stamp, lambda: load_corpus(collection))


def _metadata(file_name: str, chunk: Chunk) -> dict[str, str | int | bool]:
    return {
        "file_name": file_name,
        "source": chunk.source,
        "kind": chunk.kind,
        "title": chunk.title,
        "date": "",
        "day": 0,
        "author": "",
        "restricted": False,
        "start": chunk.start,
        "end": chunk.end,
        "version_id": chunk.version_id,
    }
