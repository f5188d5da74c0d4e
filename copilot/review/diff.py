"""Word-level difference between the AI draft and the final text of a section
(Python's difflib), for the supervisor's review page."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

_TOKENS = re.compile(r"^\s+|\S+\s*")  # words with their trailing space


@dataclass(frozen=True)
class DiffSegment:
    """A run of text that is the same in both (`equal`), only in the final text
    (`insert`), or only in the AI draft (`delete`)."""

    op: Literal["equal", "insert", "delete"]
    text: str


def word_diff(ai_text: str, final_text: str) -> tuple[DiffSegment, ...]:
    """The segments turning `ai_text` into `final_text`, word by word (whitespace kept,
    so joining the `equal` and `insert` segments gives `final_text` back)."""
    before, after = _TOKENS.findall(ai_text), _TOKENS.findall(final_text)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[DiffSegment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(DiffSegment("equal", "".join(after[b1:b2])))
            continue
        if a2 > a1:
            segments.append(DiffSegment("delete", "".join(before[a1:a2])))
        if b2 > b1:
            segments.append(DiffSegment("insert", "".join(after[b1:b2])))
    return tuple(segments)
