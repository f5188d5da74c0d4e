"""What chart Q&A takes and gives: passages in, cited answers and stream events out.

Every claim of an answer is an `AnswerSentence` whose `citations` name the chart
entries (FHIR references) it came from; a citation of a note also carries the
quoted excerpt and its character span [start, end) in the note's text, so the
sidebar can open the note at that excerpt. Everything has `as_dict()` for JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

AnswerKind = Literal["structured", "extractive", "practice", "llm", "not_found"]
NOT_FOUND = "I could not find this in the chart."


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Passage:
    """A retrieved piece of the chart: `text` is characters [start, end) of the entry
    `source` ("DocumentReference/abc"); `score` is the retriever's cosine similarity;
    `restricted` when the entry is labeled 42 CFR Part 2 (never placed in a prompt)."""

    text: str
    source: str
    title: str = ""
    date: date | None = None
    kind: str = "note"
    start: int = 0
    end: int = 0
    score: float = 0.0
    restricted: bool = False


class Retriever(Protocol):
    """One client's chart index (copilot.retrieval.index.ClientIndex), chosen by the
    server for the authorized client. Returns objects with `.chunk` and `.score`."""

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        include_restricted: bool = False,
        where: Any = None,
        newest_first: bool = False,
    ) -> list[Any]: ...

    def facets(self) -> tuple[set[str], set[str]]: ...


def _parse_iso(value: date | str | None) -> date | None:
    if not value or isinstance(value, date):
        return value or None
    return (datetime if "T" in value else date).fromisoformat(value)


def passages_from_hits(hits: Iterable[Any]) -> list[Passage]:
    """Retrieval `Hit`s (chunk + cosine score) as Passages, best first. The index
    keeps dates as ISO text ("" when unknown); Passages carry a date or datetime."""
    return [
        Passage(
            text=h.chunk.text,
            source=h.chunk.source,
            title=h.chunk.title,
            date=_parse_iso(h.chunk.date),
            kind=h.chunk.kind,
            start=h.chunk.start,
            end=h.chunk.end,
            score=h.score,
            restricted=bool(getattr(h.chunk, "restricted", False)),
        )
        for h in hits
    ]


@dataclass(frozen=True)
class Citation:
    """A chart entry an answer sentence rests on. `excerpt` is the quoted text, and
    `start`/`end` its character span in the entry's text when it is a note; both None
    for a structured entry (Observation, MedicationStatement, Condition, Encounter)."""

    source: str
    title: str = ""
    date: date | datetime | None = None
    excerpt: str = ""
    start: int | None = None
    end: int | None = None

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "date": _iso(self.date),
            "excerpt": self.excerpt,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Citation:
        when = data.get("date")
        parsed = (datetime if when and "T" in when else date).fromisoformat(when) if when else None
        return cls(
            source=data["source"],
            title=data.get("title", ""),
            date=parsed,
            excerpt=data.get("excerpt", ""),
            start=data.get("start"),
            end=data.get("end"),
        )


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer. `supported` is False for a generated sentence that
    cites nothing valid; the sidebar flags it rather than presenting it as chart fact."""

    text: str
    citations: tuple[Citation, ...] = ()
    supported: bool = True

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "citations": [c.as_dict() for c in self.citations],
            "supported": self.supported,
        }

    @classmethod
    def from_dict(cls, data: dict) -> AnswerSentence:
        citations = tuple(Citation.from_dict(c) for c in data.get("citations", ()))
        return cls(data["text"], citations, data.get("supported", True))


@dataclass(frozen=True)
class Answer:
    """A whole answer. `found` is False when the chart holds nothing to answer with
    (then `sentences` says so). `kind` says how it was made: from FHIR data directly
    (`structured`), quoted from notes (`extractive`), quoted from the practice's own
    documents (`practice`, copilot.kb), generated (`llm`), or `not_found`."""

    question: str
    kind: AnswerKind
    sentences: tuple[AnswerSentence, ...]
    found: bool = True

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def as_dict(self) -> dict:
        return {
            "question": self.question,
            "kind": self.kind,
            "found": self.found,
            "sentences": [s.as_dict() for s in self.sentences],
        }


def not_found(question: str) -> Answer:
    """The honest answer when nothing relevant is in the chart."""
    return Answer(question, "not_found", (AnswerSentence(NOT_FOUND),), found=False)


# --- stream events: AnswerStarted, then AnswerToken*/AnswerPart*, then AnswerDone or AnswerFailed


@dataclass(frozen=True)
class AnswerStarted:
    """The question was accepted; `mode` is "structured", "grounded" or "llm"."""

    question: str
    mode: str

    def as_dict(self) -> dict:
        return {"event": "started", "question": self.question, "mode": self.mode}


@dataclass(frozen=True)
class AnswerToken:
    """Raw text from the model as it streams (llm mode only); the AnswerDone that
    follows holds the checked, cited sentences that replace it."""

    text: str

    def as_dict(self) -> dict:
        return {"event": "token", "text": self.text}


@dataclass(frozen=True)
class AnswerPart:
    """One finished, cited sentence of the answer, in order."""

    sentence: AnswerSentence

    def as_dict(self) -> dict:
        return {"event": "sentence", **self.sentence.as_dict()}


@dataclass(frozen=True)
class AnswerDone:
    """The complete answer (what is stored in the chat history). `retrieved`: the FHIR
    references of the passages retrieved for it; `outbound` is what was sent to the
    chat model (copilot.deid.Outbound: payload, replacements, withheld entries) in llm
    mode, for the AI ledger; None when no model was asked."""

    answer: Answer
    retrieved: tuple[str, ...] = ()
    outbound: Any = None

    def as_dict(self) -> dict:
        return {"event": "done", **self.answer.as_dict()}


@dataclass(frozen=True)
class AnswerFailed:
    """No answer: `message` is safe to show the clinician; `question` is returned
    unchanged so the sidebar can put it back in the input box."""

    question: str
    message: str

    def as_dict(self) -> dict:
        return {"event": "failed", "question": self.question, "message": self.message}


AnswerEvent = AnswerStarted | AnswerToken | AnswerPart | AnswerDone | AnswerFailed
