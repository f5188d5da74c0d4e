"""BM25 over the chunks of one Chroma collection, for the keyword half of hybrid search.

Embedded Chroma has no full-text ranking (its sparse-vector BM25 index is a
Chroma Cloud feature), so the chunks a collection holds are ranked with bm25s
(Lù 2024, Okapi BM25 with k1 = 1.5, b = 0.75), tokenized with English stop
words removed and Snowball-stemmed (PyStemmer). An index is built from what the
collection holds when it is first searched, kept per process, and rebuilt when
the caller's `stamp` for that collection changes (the index state rows' count
and newest write), so a write in any process is seen by the next search.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cache

import bm25s
import numpy as np
import Stemmer

MAX_CACHED = 64  # collections kept per process (a clinician's caseload, and the practice's)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def _tokenizer() -> bm25s.tokenization.Tokenizer:
    return bm25s.tokenization.Tokenizer(stemmer=_stemmer(), stopwords="en")


@dataclass(frozen=True)
class LexicalIndex:
    """BM25 over `ids` (Chroma ids) with the metadata each was stored with.

    `ids[i]`, `metadatas[i]` describe document i of the BM25 model.
    """

    ids: tuple[str, ...]
    metadatas: tuple[dict, ...]
    model: bm25s.BM25 | None
    tokenizer: bm25s.tokenization.Tokenizer

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict]):
        """The index of `texts` (one per id); an empty corpus gives an index that finds nothing."""
        tokenizer = _tokenizer()
        if not texts:
            return cls((), (), None, tokenizer)
        tokens = tokenizer.tokenize(list(texts), return_as="ids", show_progress=False)
        model = bm25s.BM25()
        model.index(tokens, show_progress=False)
        return cls(tuple(ids), tuple(metadatas), model, tokenizer)

    def top(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Up to `n` (id, BM25 score) pairs, best first, among documents where `mask` is
        true (all when None); documents sharing no stemmed word with the query are left out."""
        if self.model is None or n <= 0:
            return []
        words = self.tokenizer.tokenize(
            [query], update_vocab=False, return_as="ids", show_progress=False
        )[0]
        if not words:
            return []
        scores = self.model.get_scores(words)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:n]
        return [(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]


class LexicalCache:
    """The per-process LexicalIndex of each collection, rebuilt when its stamp changes.

    Thread-safe; keeps the MAX_CACHED most recently used collections.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[Hashable, LexicalIndex]] = OrderedDict()

    def get(self, name: str, stamp: Hashable, load) -> LexicalIndex:
        """The index of collection `name` (a key naming the Chroma store too) at `stamp`;
        `load()` returns (ids, texts, metadatas) of everything the collection holds
        when a build is needed."""
        with self._lock:
            entry = self._entries.get(name)
            if entry is not None and entry[0] == stamp:
                self._entries.move_to_end(name)
                return entry[1]
        index = LexicalIndex.build(*load())
        with self._lock:
            self._entries[name] = (stamp, index)
            self._entries.move_to_end(name)
            while len(self._entries) > MAX_CACHED:
                self._entries.popitem(last=False)
        return index

    def forget(self, name: str | None = None) -> None:
        """Drop one collection's index (or all of them)."""
        with self._lock:
            if name is None:
                self._entries.clear()
            else:
                self._entries.pop(name, None)


lexical_cache = LexicalCache()
