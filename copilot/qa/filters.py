"""What a chart question says about which entries can answer it, as a ChunkFilter.

- a time ("on March 3, 2019", "in May", "since January", "in the past 6 weeks"),
  resolved by `dates.when_in` against the day the chart was read, limits the
  clinical day of the entries searched;
- "note(s)" / "session(s)" / "visit(s)" limit the search to notes, "diagnosis" to
  Conditions, "medication" to medications, "goal" to goals and care plans;
- a note type the index holds ("progress note", "intake assessment"), named in
  full, limits the search to notes with that title, and an author the index holds,
  named by family name ("notes by Dr. Chen"), to that author's entries;
- "last", "latest", "most recent" ask for the newest of equally good entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from copilot.retrieval.filters import ChunkFilter

from .dates import when_in

_KINDS = (
    (re.compile(r"\b(?:notes?|sessions?|visits?|appointments?)\b", re.I), ("note",)),
    (re.compile(r"\b(?:diagnos[ie]s|dx)\b", re.I), ("diagnosis",)),
    (re.compile(r"\bmedications?\b", re.I), ("medication",)),
    (re.compile(r"\b(?:goals?|treatment plan|care plan)\b", re.I), ("goal", "care-plan")),
)
_NEWEST = re.compile(r"\b(?:last|latest|most recent|newest|recent)\b", re.IGNORECASE)


# Abbreviations clinicians type, spelled out for the keyword half of search (the chart
# and the practice's documents write them out). Common usage in behavioral-health
# documentation; an abbreviation stays in the query as typed.
ABBREVIATIONS = {
    "si": "suicidal ideation",
    "hi": "homicidal ideation",
    "sh": "self-harm",
    "nssi": "non-suicidal self-injury",
    "dx": "diagnosis",
    "rx": "prescription medication",
    "hx": "history",
    "tx": "treatment",
    "sx": "symptoms",
    "meds": "medications",
    "f/u": "follow-up",
    "appt": "appointment",
    "pa": "prior authorization",
    "auth": "authorization",
    "roi": "release of information",
    "tp": "treatment plan",
    "pcp": "primary care physician",
}
_ABBREVIATION = re.compile(
    r"(?<![\w/])(" + "|".join(map(re.escape, ABBREVIATIONS)) + r")(?![\w/])", re.IGNORECASE
)


def spelled_out(question: str) -> str:
    """`question` with the expansion of each known abbreviation added after it
    ("any SI?" → "any SI (suicidal ideation)?"), for searching."""
    return _ABBREVIATION.sub(
        lambda m: f"{m.group(1)} ({ABBREVIATIONS[m.group(1).lower()]})", question
    )


@dataclass(frozen=True)
class SearchScope:
    """The filter for the index and whether to prefer the newest of equal matches."""

    where: ChunkFilter
    newest_first: bool

    @property
    def day(self) -> date | None:
        """The one day the question asks about ("the visit on March 3"), if it names one."""
        first, last = self.where.first_day, self.where.last_day
        return first if first is not None and first == last else None


def scope_of(
    question: str,
    today: date,
    *,
    titles: Iterable[str] = (),
    authors: Iterable[str] = (),
) -> SearchScope:
    """The scope `question` asks for; `titles` and `authors` are those the client's index
    holds (only they can be recognized)."""
    when = when_in(question, today)
    first, last = (when.start, when.end) if when else (None, None)
    kinds = next((k for pattern, k in _KINDS if pattern.search(question)), ())
    lowered = question.lower()
    title = next(
        (t for t in sorted(titles, key=len, reverse=True) if len(t) > 5 and t.lower() in lowered),
        None,
    )
    author = next((a for a in sorted(authors) if _family_named(a, question)), None)
    return SearchScope(
        ChunkFilter(first, last, () if title else kinds, author, title),
        bool(_NEWEST.search(question)),
    )


def _family_named(author: str, question: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'-]+", author)
    family = next((w for w in reversed(words) if len(w) > 2 and not w.isupper()), "")
    return bool(family) and re.search(rf"\b{re.escape(family)}\b", question) is not None
