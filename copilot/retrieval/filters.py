"""Metadata conditions on the chunks a search may return, as Chroma `where` and as a mask.

A `ChunkFilter` is built by the caller (copilot.qa.filters reads one from the
question) and applied inside both halves of hybrid search: as the `where` of the
dense Chroma query and as the mask of the BM25 ranking, so a filtered search
ranks only matching chunks instead of discarding hits after ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np


def day_number(value: date | str | None) -> int:
    """A date as the integer YYYYMMDD Chroma can compare (0 when unknown).

    Accepts a date, a datetime, or ISO text ("2024-03-05" or "2024-03-05T10:00:00Z").
    """
    if not value:
        return 0
    text = value.isoformat() if isinstance(value, date) else str(value)
    return int(text[:10].replace("-", "")) if len(text) >= 10 else 0


@dataclass(frozen=True)
class ChunkFilter:
    """Which chunks qualify: clinical day within [first_day, last_day] (inclusive,
    either end open when None; chunks without a date never match a day range),
    `kinds` (chunk kinds such as "note", "diagnosis"; empty: any), `author` and
    `title` (exact display text; None: any)."""

    first_day: date | None = None
    last_day: date | None = None
    kinds: tuple[str, ...] = ()
    author: str | None = None
    title: str | None = None

    def __bool__(self) -> bool:
        return bool(self.first_day or self.last_day or self.kinds or self.author or self.title)

    def where(self, client_id: str | None = None) -> dict | None:
        """The Chroma `where` clause: these conditions and, when given, the client id."""
        clauses: list[dict] = [{"client_id": client_id}] if client_id else []
        if self.first_day or self.last_day:
            clauses.append({"day": {"$gte": day_number(self.first_day) or 1}})
        if self.last_day:
            clauses.append({"day": {"$lte": day_number(self.last_day)}})
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.author:
            clauses.append({"author": self.author})
        if self.title:
            clauses.append({"title": self.title})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def mask(self, metadatas: Sequence[dict]) -> np.ndarray | None:
        """Which of these chunk metadatas match (None when the filter is empty)."""
        if not self:
            return None
        return np.fromiter((self.matches(m) for m in metadatas), dtype=bool, count=len(metadatas))

    def matches(self, metadata: dict) -> bool:
        day = int(metadata.get("day") or 0)
        if (self.first_day or self.last_day) and not day:
            return False
        if self.first_day and day < day_number(self.first_day):
            return False
        if self.last_day and day > day_number(self.last_day):
            return False
        if self.kinds and metadata.get("kind") not in self.kinds:
            return False
        if self.author and metadata.get("author") != self.author:
            return False
        return not (self.title and metadata.get("title") != self.title)
