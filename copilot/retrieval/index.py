"""Per-client Chroma collections: write a client's chunks, search them.

Each client has its own collection, named from a hash of the client id (chosen on
the server from the authorized client, never from request input, and free of
identifiers), and every query also filters on `client_id` metadata as a second
guard. 42 CFR Part 2 chunks go to a separate restricted collection that is read
only when the caller says the client consented (see `consent`).

Search is hybrid (copilot.retrieval.hybrid): MiniLM cosine in Chroma and BM25
over the same chunks, fused by reciprocal rank, both under the question's metadata
filter (`ChunkFilter`: clinical day range, kinds, author, note title).

Embeddings are always supplied (all-MiniLM-L6-v2 via `embeddings.embed`):
collections have no embedding function, so Chroma never loads or downloads its
default model. Anonymized telemetry is off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from django.conf import settings
from django.db.models import Count, Max

from .chunking import Chunk
from .embeddings import embed
from .filters import ChunkFilter, day_number
from .hybrid import Hit, best, hybrid_query, load_corpus
from .lexical import LexicalIndex, lexical_cache
from .models import IndexedSource

__all__ = ["ClientIndex", "Hit", "collection_name", "get_chroma"]

NAMESPACE = "therapy-copilot/client-index/v1"
# Measured on the 2-core CPU over 2,205 Synthea chunks of 20 patients, encoded client by
# client as a sync does: batch 16 took 34.8 / 33.8 s, batch 64 took 44.0 / 48.1 s. A
# client's chunks mix long note text with one-line entries, and a batch is padded to
# its longest member; smaller batches waste less (one call over all chunks: 34.4 /
# 31.9 s at 16, 36.1 / 38.4 s at 64).
EMBED_BATCH_SIZE = 16
WRITE_BATCH = 1000  # rows per Chroma add(); below its max batch size


def get_chroma() -> ClientAPI:
    """The Chroma client the settings name: a server when CHROMA_HOST is set, else an
    embedded PersistentClient in CHROMA_PATH. One per process per configuration."""
    return _chroma(settings.CHROMA_HOST, settings.CHROMA_PORT, str(settings.CHROMA_PATH))


@cache
def _chroma(host: str, port: int, path: str) -> ClientAPI:
    options = ChromaSettings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=options)
    return chromadb.PersistentClient(path=path, settings=options)


def lexical_key(name: str) -> str:
    """The per-process BM25 cache key of collection `name` in the configured Chroma."""
    where = settings.CHROMA_HOST and f"{settings.CHROMA_HOST}:{settings.CHROMA_PORT}"
    return f"{where or settings.CHROMA_PATH}|{name}"


def open_collection(name: str) -> Collection:
    """The collection `name` in the configured Chroma (created on first use): cosine
    space, no embedding function (vectors are always supplied)."""
    return get_chroma().get_or_create_collection(
        name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )


def write_chunks(collection: Collection, chunks: list[Chunk], owner: dict[str, str]) -> None:
    """Embed each chunk's heading and text and upsert it with its metadata and `owner`
    (the client id, or the practice document's file name), WRITE_BATCH rows a call.
    Upsert: a concurrent write of the same chunk cannot fail. Ids are "<source>#<start>"."""
    vectors = embed([f"{c.heading}\n{c.text}" for c in chunks], batch_size=EMBED_BATCH_SIZE)
    for at in range(0, len(chunks), WRITE_BATCH):
        part = chunks[at : at + WRITE_BATCH]
        collection.upsert(
            ids=[f"{c.source}#{c.start}" for c in part],
            embeddings=vectors[at : at + WRITE_BATCH],
            documents=[c.text for c in part],
            metadatas=[{**owner, **chunk_metadata(c)} for c in part],
        )
    lexical_cache.forget(lexical_key(collection.name))


def chunk_metadata(chunk: Chunk) -> dict[str, str | int | bool]:
    """What a Chroma row keeps of a chunk besides its text (read back by `chunk_from`),
    with `day` (YYYYMMDD, 0 when undated) for date filters."""
    return {
        "source": chunk.source,
        "kind": chunk.kind,
        "title": chunk.title,
        "date": chunk.date,
        "day": day_number(chunk.date),
        "author": chunk.author,
        "restricted": chunk.restricted,
        "start": chunk.start,
        "end": chunk.end,
        "version_id": chunk.version_id,
    }


def collection_name(client_id: str, *, restricted: bool = False) -> str:
    """ "client-<32 hex>" (or "…-part2" for the restricted partition) for one client."""
    digest = hashlib.sha256(f"{NAMESPACE}:{client_id}".encode()).hexdigest()[:32]
    return f"client-{digest}-part2" if restricted else f"client-{digest}"


class ClientIndex:
    """The retrieval index of one client: its collection and its restricted partition.

    Construct it only with a client id the caller has authorized for the user.
    """

    def __init__(self, client_id: str) -> None:
        if not client_id:
            raise ValueError("client_id is required")
        self.client_id = client_id

    def _collection(self, *, restricted: bool) -> Collection:
        return open_collection(collection_name(self.client_id, restricted=restricted))

    def replace(self, references: Iterable[str], chunks: list[Chunk]) -> None:
        """Remove every chunk of `references`, then add `chunks` (embedded here).

        Each chunk goes to the restricted partition when `chunk.restricted`.
        """
        self.remove(references)
        for restricted in (False, True):
            part = [c for c in chunks if c.restricted is restricted]
            if part:
                write_chunks(
                    self._collection(restricted=restricted), part, {"client_id": self.client_id}
                )

    def remove(self, references: Iterable[str]) -> None:
        """Delete every chunk of these FHIR references from both partitions."""
        wanted = sorted(set(references))
        if not wanted:
            return
        for restricted in (False, True):
            self._collection(restricted=restricted).delete(
                where={"$and": [{"client_id": self.client_id}, {"source": {"$in": wanted}}]}
            )
            lexical_cache.forget(
                lexical_key(collection_name(self.client_id, restricted=restricted))
            )

    def count(self, *, restricted: bool = False) -> int:
        """Chunks held in the main (or the restricted) partition."""
        return self._collection(restricted=restricted).count()

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        include_restricted: bool = False,
        where: ChunkFilter | None = None,
        newest_first: bool = False,
    ) -> list[Hit]:
        """The `k` chunks that best answer `query`, best first (see `search_many`)."""
        return self.search_many(
            [query],
            k,
            include_restricted=include_restricted,
            where=where,
            newest_first=newest_first,
        )[0]

    def search_many(
        self,
        queries: list[str],
        k: int = 5,
        *,
        include_restricted: bool = False,
        where: ChunkFilter | None = None,
        newest_first: bool = False,
    ) -> list[list[Hit]]:
        """For each query, the `k` chunks ranked best by hybrid search, best first.

        Dense (MiniLM cosine, Chroma's HNSW) and lexical (BM25) rankings of the
        DEPTH best candidates each are fused by reciprocal rank. `where` limits both
        rankings to matching chunks (dates, kinds, author, title); `newest_first`
        breaks ties between equally fused chunks by clinical date, newest first (for
        "last"/"latest" questions). Part 2 chunks are searched only with
        `include_restricted` (the caller checks consent). Always limited to this
        client's `client_id`; one embedding batch for all queries.
        """
        if not queries:
            return []
        vectors = embed(queries, batch_size=EMBED_BATCH_SIZE)
        condition = where or ChunkFilter()
        partitions = (False, True) if include_restricted else (False,)
        merged: list[list[tuple[float, Hit]]] = [[] for _ in queries]
        for restricted in partitions:
            collection = self._collection(restricted=restricted)
            found = hybrid_query(
                collection,
                queries,
                vectors,
                k,
                where=condition.where(self.client_id),
                mask=condition.mask,
                lexical=self._lexical(collection, restricted=restricted),
            )
            for hits, more in zip(merged, found, strict=True):
                hits.extend(more)
        return [best(hits, k, newest_first=newest_first) for hits in merged]

    def facets(self) -> tuple[set[str], set[str]]:
        """(titles, authors) of the entries the main partition holds, for recognizing
        "the intake assessment" or "Dr. Chen's notes" in a question."""
        index = self._lexical(self._collection(restricted=False), restricted=False)
        titles = {str(m.get("title", "")) for m in index.metadatas if m.get("kind") == "note"}
        authors = {str(m.get("author", "")) for m in index.metadatas}
        return titles - {""}, authors - {""}

    def _lexical(self, collection: Collection, *, restricted: bool) -> LexicalIndex:
        """The BM25 index of one partition, rebuilt when the index state rows change."""
        rows = IndexedSource.objects.filter(client_id=self.client_id, restricted=restricted)
        state = rows.aggregate(entries=Count("id"), newest=Max("indexed_at"))
        stamp = (collection.count(), state["entries"], state["newest"])
        return lexical_cache.get(
            lexical_key(collection.name),
            stamp,
            lambda: load_corpus(collection, where={"client_id": self.client_id}),
        )

    def drop(self) -> None:
        """Delete both of this client's collections (all its chunks)."""
        chroma = get_chroma()
        for restricted in (False, True):
            name = collection_name(self.client_id, restricted=restricted)
            if name in {c.name for c in chroma.list_collections()}:
                chroma.delete_collection(name)
            lexical_cache.forget(lexical_key(name))
