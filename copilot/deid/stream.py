"""Putting originals back into a model's reply, including while it streams.

A placeholder ("[PERSON_2]") or a shifted date may arrive split over chunks, so
the re-identifier holds back the end of the text while it could still be the
start of one, and releases it once it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def _pattern(mapping: Mapping[str, str]) -> re.Pattern[str] | None:
    if not mapping:
        return None
    keys = sorted(mapping, key=len, reverse=True)  # longest first: [PERSON_12] before …
    return re.compile("|".join(re.escape(k) for k in keys))


def replace_all(text: str, mapping: Mapping[str, str]) -> str:
    """`text` with every key of `mapping` replaced by its value."""
    pattern = _pattern(mapping)
    return pattern.sub(lambda m: mapping[m.group(0)], text) if pattern else text


class StreamReidentifier:
    """Feed the reply chunk by chunk; each `feed` returns the re-identified text that is
    certain so far, and `close` the rest. Concatenated, the outputs equal
    `replace_all(whole reply, mapping)`."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.mapping = dict(mapping)
        self.pattern = _pattern(self.mapping)
        self.longest = max((len(k) for k in self.mapping), default=0)
        self.pending = ""

    def feed(self, chunk: str) -> str:
        if self.pattern is None:
            return chunk
        self.pending += chunk
        cut = len(self.pending) - self._held(self.pending)
        for match in self.pattern.finditer(self.pending):
            if match.start() < cut < match.end():
                cut = match.start()  # never split a complete key
        ready, self.pending = self.pending[:cut], self.pending[cut:]
        return replace_all(ready, self.mapping)

    def close(self) -> str:
        rest, self.pending = self.pending, ""
        return replace_all(rest, self.mapping)

    def _held(self, text: str) -> int:
        """Length of the longest end of `text` that begins some key but is not one."""
        for size in range(min(len(text), self.longest), 0, -1):
            tail = text[-size:]
            if any(key.startswith(tail) and key != tail for key in self.mapping):
                return size
        return 0
