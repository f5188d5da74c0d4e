"""Hybrid search over one Chroma collection: dense and BM25 rankings fused by rank.

Reciprocal-rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): a chunk's
fused score is the sum over the rankings it appears in of 1 / (RRF_K + rank),
rank counted from 1, with their k = 60. Each ranking contributes its DEPTH best
candidates, both computed under the same metadata filter. The fused best are then
read back from Chroma by id, so the text and metadata returned are the stored
ones even when the per-process BM25 index is a write behind, and the score of
every hit is the exact cosine between the query and the chunk's stored vector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from chromadb.api.models.Collection import Collection

from .chunking import Chunk
from .lexical import LexicalIndex

RRF_K = 60
DEPTH = 40  # candidates from each ranking; the fused top k is taken from up to 2 × DEPTH
GET_BATCH = 1000  # rows per Chroma get() when loading a corpus


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk and its cosine similarity to the query (-1…1, higher is closer);
    `fused` is its reciprocal-rank-fusion score (higher is better), which orders hits."""

    chunk: Chunk
    score: float
    fused: float = 0.0


def chunk_from(text: str, meta: dict) -> Chunk:
    """The Chunk a Chroma row holds (its document text and metadata)."""
    return Chunk(
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


def load_corpus(
    collection: Collection, *, where: dict | None = None
) -> tuple[list[str], list[str], list[dict]]:
    """(ids, texts, metadatas) of every row of `collection` matching `where`, the text
    being the chunk's title line and its text (what BM25 ranks)."""
    ids: list[str] = []
    texts: list[str] = []
    metadatas: list[dict] = []
    offset = 0
    while True:
        page = collection.get(
            where=where, include=["documents", "metadatas"], limit=GET_BATCH, offset=offset
        )
        ids += page["ids"]
        metadatas += page["metadatas"]
        pairs = zip(page["documents"], page["metadatas"], strict=True)
        texts += [f"{m.get('title', '')}\n{d}" for d, m in pairs]
        if len(page["ids"]) < GET_BATCH:
            return ids, texts, metadatas
        offset += GET_BATCH


def hybrid_query(
    collection: Collection,
    queries: Sequence[str],
    vectors: np.ndarray,
    k: int,
    *,
    where: dict | None,
    mask: Callable[[Sequence[dict]], np.ndarray | None],
    lexical: LexicalIndex,
) -> list[list[Hit]]:
    """For each query (text and its unit vector), its `k` best chunks of `collection`
    by fused rank, among rows matching `where` (dense half) / `mask` (BM25 half);
    `lexical` is the BM25 index of what the collection holds (empty: nothing to query)."""
    if not lexical.ids:
        return [[] for _ in queries]
    dense = collection.query(
        query_embeddings=vectors, n_results=DEPTH, where=where, include=["distances"]
    )["ids"]
    allowed = mask(lexical.metadatas)
    fused = [
        _top(_fuse([dense_ids, [i for i, _ in lexical.top(query, DEPTH, allowed)]]), k)
        for query, dense_ids in zip(queries, dense, strict=True)
    ]
    rows = _rows(collection, {i for ranking in fused for i, _ in ranking})
    return [
        [
            Hit(chunk_from(rows[i][0], rows[i][1]), float(np.dot(rows[i][2], vector)), score)
            for i, score in ranking
            if i in rows
        ]
        for ranking, vector in zip(fused, vectors, strict=True)
    ]


def best(hits: list[Hit], k: int, *, newest_first: bool = False) -> list[Hit]:
    """The `k` best of hits merged from several partitions: by fused score, ties broken
    by clinical date (newest first) when `newest_first`, else by cosine."""
    if newest_first:
        return sorted(hits, key=lambda h: (-h.fused, _desc(h.chunk.date)))[:k]
    return sorted(hits, key=lambda h: (-h.fused, -h.score))[:k]


def _desc(iso: str) -> tuple[int, ...]:
    """Sort key putting later ISO dates first and undated last."""
    digits = "".join(ch for ch in iso[:10] if ch.isdigit())
    return (0, -int(digits)) if digits else (1,)


def _fuse(rankings: list[list[str]]) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def _top(ranking: list[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    """The first `k` of a fused ranking and any tied with the k-th (a tie-break follows)."""
    if len(ranking) <= k:
        return ranking
    floor = ranking[k - 1][1]
    return [pair for pair in ranking if pair[1] >= floor]


def _rows(collection: Collection, ids: set[str]) -> dict[str, tuple[str, dict, np.ndarray]]:
    if not ids:
        return {}
    got = collection.get(ids=sorted(ids), include=["documents", "metadatas", "embeddings"])
    return {
        i: (text, meta, np.asarray(vector, dtype=np.float32))
        for i, text, meta, vector in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    }
