"""The `grounded` answer: the chart's own sentences that best answer the question, quoted.

Offline and deterministic, like the grounded drafting engine: nothing is written
that the chart does not say. Each retrieved passage is split into sentences
(copilot.drafting.text.split_sentences); each sentence is scored by

    score = cosine(question, sentence) + OVERLAP_WEIGHT * overlap

where the cosine is between MiniLM embeddings (copilot.retrieval.embeddings) and
`overlap` is the share of the question's content words found in the sentence.
Sentences scoring at least `threshold` and within MARGIN of the best are quoted,
oldest first, each citing its entry and its character span there. Nothing above
the threshold gives the "I could not find this in the chart." answer.

THRESHOLD and weights were set on the sandbox charts (tests/qa/test_extractive.py
holds the questions): answerable questions scored 0.57-1.06 on their best sentence,
unanswerable ones at most 0.49 ("Did he lose his job?" against "after a job change").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from copilot.drafting.chart_facts import format_date
from copilot.drafting.text import split_sentences

from .filters import as_the_client, asks_presenting_problem, spelled_out
from .types import Answer, AnswerSentence, Citation, Passage, not_found

THRESHOLD = 0.53
MARGIN = 0.25
OVERLAP_WEIGHT = 0.4
MAX_SENTENCES = 3
MIN_WORDS = 3
PRESELECT = 8  # candidates scored with MiniLM; more are preselected (see `rank`)
SCORE_CHARS = 240  # of a candidate, read by MiniLM

_LABEL = re.compile(r"(?:[SOAPDBIRG]|Data|Assessment|Plan|Subjective|Objective):\s+")
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_STOP_WORDS = """
    a an the and or but of to in on at for with from by about as is are was were be been
    being do does did has have had having what when where which who whom why how whether
    this that these those it its he she they them his her hers their theirs him i we you
    our us me my your any anything ever before after again there here not no yes did client
    clients mention mentioned mentions say said talk talked tell told ask asked discuss
    discussed chart note notes session sessions last first time times since can could would
    should will shall may might please summarize summary give list show"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Candidate:
    """One sentence of a passage: its text, its span in the source entry, its score."""

    passage: Passage
    text: str
    start: int
    end: int
    score: float = 0.0


def answer_extractive(
    question: str,
    passages: Sequence[Passage],
    *,
    threshold: float = THRESHOLD,
    max_sentences: int = MAX_SENTENCES,
    per_source: int | None = None,
    margin: float | None = MARGIN,
    common: str = "",
    newest_first: bool = False,
) -> Answer:
    """The best supporting sentences of `passages`, quoted and cited, oldest first.

    `per_source` caps the sentences taken from one chart entry (a summary of the last
    sessions wants one from each note). Words of `common` (the client's name, which
    any entry of the chart may hold) do not count as shared with the question, and the
    sentences are compared with the question saying "the client" in their place and
    its abbreviations spelled out (`filters.spelled_out`), a question for the presenting
    problem in the chart's words ("what brought her in?" → "What is the presenting
    problem?"). With `newest_first` ("when did she last…"), of equally good sentences
    (notes repeat them) the newest entry's is quoted. Never raises for any input; no
    passages or no sentence at `threshold` gives the not-found answer.
    """
    ranked = rank(question, candidates(passages), common=common, per_source=per_source)
    if newest_first:
        ranked.sort(key=lambda c: (-round(c.score, 4), _newest(c.passage)))
    chosen = choose(
        ranked, threshold=threshold, limit=max_sentences, per_source=per_source, margin=margin
    )
    if not chosen:
        return not_found(question)
    chosen.sort(key=lambda c: (passage_day(c.passage), c.passage.source, c.start))
    return Answer(question, "extractive", tuple(quote(c) for c in chosen))


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every sentence of every passage worth quoting (section labels cut off, at least
    MIN_WORDS words), with offsets into the source entry's text."""
    found = []
    for passage in passages:
        for start, end in split_sentences(passage.text):
            label = _LABEL.match(passage.text, start, end)
            start = label.end() if label else start
            text = passage.text[start:end]
            if len(_WORD.findall(text.lower())) >= MIN_WORDS:
                found.append(Candidate(passage, text, passage.start + start, passage.start + end))
    return found


def rank(
    question: str, found: list[Candidate], *, common: str = "", per_source: int | None = None
) -> list[Candidate]:
    """Candidates scored against the question, best first.

    Beyond PRESELECT candidates (long notes split into many short lines), the
    PRESELECT best by the same score over drafting's static MiniLM vectors
    (copilot.drafting.vectors, ~0.1 ms a sentence), and for a summary capped at
    `per_source` a sentence from one entry the best per_source + 1 of each entry, are
    scored with MiniLM itself and the rest dropped, so the thresholds keep their
    meaning at a bounded cost; MiniLM reads a candidate's first SCORE_CHARS characters.
    """
    if not found:
        return []
    from copilot.retrieval.embeddings import embed

    question = "What is the presenting problem?" if asks_presenting_problem(question) else question
    question = spelled_out(question)
    words = content_words(question) - content_words(common)
    question = as_the_client(question, common)
    if len(found) > PRESELECT:
        found = _preselect(question, words, found, per_source)
    vectors = embed([question] + [_head(c.text) for c in found])
    cosines = vectors[1:] @ vectors[0]
    scored = [
        Candidate(
            c.passage, c.text, c.start, c.end, float(cos) + OVERLAP_WEIGHT * overlap(words, c.text)
        )
        for c, cos in zip(found, np.asarray(cosines), strict=True)
    ]
    return sorted(scored, key=lambda c: -c.score)


def _head(text: str) -> str:
    """The first SCORE_CHARS characters of a sentence, cut at a word: what its cosine is
    computed on (a list run together into one long "sentence" costs MiniLM ~40 ms)."""
    return text if len(text) <= SCORE_CHARS else text[:SCORE_CHARS].rsplit(" ", 1)[0]


def _preselect(
    question: str, words: set[str], found: list[Candidate], per_source: int | None
) -> list[Candidate]:
    from copilot.drafting.vectors import embed_sentences

    vectors = embed_sentences([question] + [c.text for c in found])
    rough = vectors[1:] @ vectors[0]
    scores = [
        float(cos) + OVERLAP_WEIGHT * overlap(words, c.text)
        for c, cos in zip(found, rough, strict=True)
    ]
    order = sorted(range(len(found)), key=lambda i: -scores[i])
    keep = set(order[:PRESELECT])
    if per_source is not None:  # a summary of several notes: a few of each, past repeats
        taken: dict[str, int] = {}
        for i in order:
            source = found[i].passage.source
            if taken.get(source, 0) <= per_source:
                taken[source] = taken.get(source, 0) + 1
                keep.add(i)
    return [found[i] for i in sorted(keep)]


def choose(
    ranked: list[Candidate],
    *,
    threshold: float,
    limit: int,
    per_source: int | None = None,
    margin: float | None = MARGIN,
) -> list[Candidate]:
    """The best candidates at `threshold`, within `margin` of the best, one per distinct
    text (notes repeat boilerplate), at most `per_source` from one entry."""
    if not ranked or ranked[0].score < threshold:
        return []
    floor = threshold if margin is None else max(threshold, ranked[0].score - margin)
    chosen: list[Candidate] = []
    seen: set[str] = set()
    for candidate in ranked:
        key = candidate.text.lower().strip(" .")
        taken = sum(c.passage.source == candidate.passage.source for c in chosen)
        if candidate.score < floor or len(chosen) == limit:
            break
        if key not in seen and (per_source is None or taken < per_source):
            seen.add(key)
            chosen.append(candidate)
    return chosen


def quote(candidate: Candidate) -> AnswerSentence:
    """'Oct 4, 2026, Progress note: "…"' citing the entry and the sentence's span."""
    passage = candidate.passage
    where = ", ".join(
        filter(None, [format_date(passage.date) if passage.date else "", passage.title])
    )
    text = f'{where}: "{candidate.text}"' if where else f'"{candidate.text}"'
    citation = Citation(
        passage.source, passage.title, passage.date, candidate.text, candidate.start, candidate.end
    )
    return AnswerSentence(text, (citation,))


def content_words(text: str) -> set[str]:
    """Lower-case words of `text` that carry meaning (no stop words, 3+ letters), crudely
    stemmed so "sisters" meets "sister"."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def overlap(words: set[str], sentence: str) -> float:
    """Share (0-1) of `words` present in `sentence`."""
    return len(words & content_words(sentence)) / len(words) if words else 0.0


def _newest(passage: Passage) -> int:
    """Sort key putting the newest passage first and undated ones last."""
    return -passage.date.toordinal() if passage.date else 1


def passage_day(passage: Passage) -> date:
    """The passage's day (date.max when undated, so undated ones sort last)."""
    when = passage.date or date.max
    return when.date() if isinstance(when, datetime) else when


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word
