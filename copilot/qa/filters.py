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
# Clinicians' phrases for the presenting problem, said as the intake asks it.
PRESENTING_PROBLEM = "presenting problem: what brings you in"
_PRESENTING = re.compile(
    r"\b(?:brought\s+(?:\S+\s+){0,3}?in|came\s+in\s+for|reason for (?:referral|coming)"
    r"|chief complaint|why\s+(?:is|did|does|was)\s+\S+\s+(?:in|com\w+|start\w*|seek\w*)\s+"
    r"(?:to\s+)?(?:therapy|treatment|counsel\w*|care))\b",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(
    r"(?<![\w/])(" + "|".join(map(re.escape, ABBREVIATIONS)) + r")(?![\w/])", re.IGNORECASE
)


def spelled_out(question: str) -> str:
    """`question` with the expansion of each known abbreviation added after it
    ("any SI?" → "any SI (suicidal ideation)?"), and "presenting problem" after a
    phrase asking for it ("what brought her in"), for searching."""
    question = _PRESENTING.sub(lambda m: f"{m.group(0)} ({PRESENTING_PROBLEM})", question)
    return _ABBREVIATION.sub(
        lambda m: f"{m.group(1)} ({ABBREVIATIONS[m.group(1).lower()]})", question
    )


def asks_presenting_problem(question: str) -> bool:
    """Whether the question asks why the client came to care ("what brought her in",
    "why is he in therapy", "chief complaint"): the chart's "presenting problem"."""
    return _PRESENTING.search(question) is not None


def as_the_client(question: str, name: str) -> str:
    """`question` with the client's name (any run of its words, possessive kept) said as
    "the client": "what brought Maya in?" → "what brought the client in?", to compare
    with the chart's sentences, which call the client "Client": MiniLM weighs a rare
    name over the rest of a short question (cosine of "has Alex ever reported SI
    (suicidal ideation)?" to "Client denied suicidal ideation, intent or plan." 0.41,
    with "the client" 0.63). Not for the keyword search, where the name finds the
    entries that hold it (the intake, the treatment plan)."""
    words = [re.escape(w) for w in re.findall(r"[A-Za-z][A-Za-z'-]+", name) if len(w) > 1]
    if not words:
        return question
    one = rf"(?:{'|'.join(words)})"
    pattern = re.compile(rf"\b{one}(?:\s+{one})*(?P<s>'s|’s)?\b", re.IGNORECASE)
    return pattern.sub(lambda m: f"the client{m['s'] or ''}", question)


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
