"""Per-client Chroma collections: write a client's chunks, search them.

Each client has its own collection, named from a hash of the client id (chosen on
the server from the authorized client, never from request input, and free of
identifiers), and every query also filters on `client_id` metadata as a second
guard. 42 CFR Part 2 chunks go to a separate restricted collection that is read
only when the caller says the client consented (see `consent`).

Embeddings are always supplied (all-MiniLM-L6-v2 via `embeddings.embed`):
collections have no embedding function, so Chroma never loads or downloads its
default model. Anonymized telemetry is off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from django.conf import settings

from .chunking import Chunk
from .embeddings import embed

NAMESPACE = "therapy-copilot/client-index/v1"
# Measured with bench/qa.py on the 2-core CPU over the 5,075 Synthea chunks:
# batch 64 encoded in 103 s, batch 16 in 109 s, so the larger batch stays.
EMBED_BATCH_SIZE = 64
WRITE_BATCH = 1000  # rows per Chroma add(); below its max batch size


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk and its cosine similarity to the query (-1…1, higher is closer)."""

    chunk: Chunk
    score: float


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
        return get_chroma().get_or_create_collection(
            collection_name(self.client_id, restricted=restricted),
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    def replace(self, references: Iterable[str], chunks: list[Chunk]) -> None:
        """Remove every chunk of `references`, then add `chunks` (embedded here).

        Each chunk goes to the restricted partition when `chunk.restricted`.
        """
        self.remove(references)
        for restricted in (False, True):
            part = [c for c in chunks if c.restricted is restricted]
            if part:
                self._add(self._collection(restricted=restricted), part)

    def _add(self, collection: Collection, chunks: list[Chunk]) -> None:
        vectors = embed([f"{c.heading}\n{c.text}" for c in chunks], batch_size=EMBED_BATCH_SIZE)
        for at in range(0, len(chunks), WRITE_BATCH):
            part = chunks[at : at + WRITE_BATCH]
            collection.upsert(  # upsert: a concurrent sync of the same entry cannot fail
                ids=[f"{c.source}#{c.start}" for c in part],
                embeddings=vectors[at : at + WRITE_BATCH],
                documents=[c.text for c in part],
                metadatas=[self._metadata(c) for c in part],
            )

    def _metadata(self, chunk: Chunk) -> dict[str, str | int | bool]:
        return {
            "client_id": self.client_id,
            "source": chunk.source,
            "kind": chunk.kind,
            "title": chunk.title,
            "date": chunk.date,
            "author": chunk.author,
            "restricted": chunk.restricted,
            "start": chunk.start,
            "end": chunk.end,
            "version_id": chunk.version_id,
        }

    def remove(self, references: Iterable[str]) -> None:
        """Delete every chunk of these FHIR references from both partitions."""
        wanted = sorted(set(references))
        if not wanted:
            return
        for restricted in (False, True):
            self._collection(restricted=restricted).delete(
                where={"$and": [{"client_id": self.client_id}, {"source": {"$in": wanted}}]}
            )

    def count(self, *, restricted: bool = False) -> int:
        """Chunks held in the main (or the restricted) partition."""
        return self._collection(restricted=restricted).count()

    def search(self, query: str, k: int = 5, *, include_restricted: bool = False) -> list[Hit]:
        """The `k` chunks closest to `query`, best first.

        Part 2 chunks are searched only with `include_restricted` (the caller checks
        consent). Always filtered to this client's `client_id`.
        """
        return self.search_many([query], k, include_restricted=include_restricted)[0]

    def search_many(
        self, queries: list[str], k: int = 5, *, include_restricted: bool = False
    ) -> list[list[Hit]]:
        """`search` for several queries at once (one embedding batch, one Chroma query)."""
        if not queries:
            return []
        vectors = embed(queries, batch_size=EMBED_BATCH_SIZE)
        partitions = (False, True) if include_restricted else (False,)
        merged: list[list[Hit]] = [[] for _ in queries]
        for restricted in partitions:
            for hits, found in zip(merged, self._query(vectors, k, restricted), strict=True):
                hits.extend(found)
        return [sorted(hits, key=lambda h: -h.score)[:k] for hits in merged]

    def _query(self, vectors, k: int, restricted: bool) -> list[list[Hit]]:
        collection = self._collection(restricted=restricted)
        if collection.count() == 0:
            return [[] for _ in vectors]
        result = collection.query(
            query_embeddings=vectors,
            n_results=k,
            where={"client_id": self.client_id},
            include=["documents", "metadatas", "distances"],
        )
        return [
            [_hit(text, meta, distance) for text, meta, distance in zip(*row, strict=True)]
            for row in zip(
                result["documents"], result["metadatas"], result["distances"], strict=True
            )
        ]

    def drop(self) -> None:
        """Delete both of this client's collections (all its chunks)."""
        chroma = get_chroma()
        for restricted in (False, True):
            name = collection_name(self.client_id, restricted=restricted)
            if name in {c.name for c in chroma.list_collections()}:
                chroma.delete_collection(name)


def _hit(text: str, meta: dict, distance: float) -> Hit:
    chunk = Chunk(
        text=text,
        source=str(meta["source"]),
        kind=str(meta["kind"]),
        title=str(meta["title"]),
        date=str(meta["date"]),
        author=str(meta["author"]),
        restricted=bool(meta["restricted"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        version_id=str(meta.get("version_id", "")),
    )
    return Hit(chunk=chunk, score=1.0 - float(distance))
