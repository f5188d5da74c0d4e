"""The `llm` answer: a chat model writes the answer from the retrieved passages only.

The versioned prompt (prompts/chart_answer_v1.txt) numbers the passages and asks for
a "[n]" marker at the end of every sentence. Tokens stream out as they come; then
the text is split into sentences and each marker is mapped to its passage, citing
the passage sentence that shares most words with the generated one. A sentence
with no valid marker is kept but marked `supported=False`, so the sidebar flags it
instead of presenting it as chart fact. The chat model comes from
copilot.drafting.engines.get_llm (the seam tests replace with a fake).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from copilot.chart import ChartContext
from copilot.deid import withhold
from copilot.drafting.chart_facts import format_date
from copilot.drafting.engines import protect, stream_text
from copilot.drafting.text import split_sentences

from .extractive import candidates, content_words, overlap
from .types import (
    NOT_FOUND,
    Answer,
    AnswerDone,
    AnswerSentence,
    AnswerToken,
    Citation,
    Passage,
    not_found,
)

PROMPT_VERSION = "chart_answer_v1"
PROMPTS = Path(__file__).with_name("prompts")
_MARKERS = re.compile(r"\s*(?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]\s*)+")
_NUMBERS = re.compile(r"\d+")


def build_prompt(question: str, passages: Sequence[Passage]) -> str:
    """The prompt with passages numbered from 1: "[n] (date, title) text"."""
    lines = []
    for number, passage in enumerate(passages, start=1):
        where = ", ".join(
            filter(None, [format_date(passage.date) if passage.date else "", passage.title])
        )
        lines.append(f"[{number}] ({where}) {' '.join(passage.text.split())}")
    template = (PROMPTS / f"{PROMPT_VERSION}.txt").read_text(encoding="utf-8")
    return template.format(passages="\n".join(lines), question=question)


async def stream_answer(
    question: str,
    passages: Sequence[Passage],
    llm,
    *,
    chunk_seconds: float,
    chart: ChartContext | None = None,
) -> AsyncIterator[AnswerToken | AnswerDone]:
    """AnswerTokens as the model streams, then AnswerDone with cited sentences and the
    Outbound record of what was sent.

    Passages labeled 42 CFR Part 2 never go in the prompt, even with the client's
    consent (they are recorded as withheld); `chart` seeds de-identification.
    `chunk_seconds` bounds the wait for each streamed chunk. Raises EngineError when the
    model fails or stalls. No passages to send: the not-found answer, without asking.
    """
    passages, withheld = withhold(passages)
    if not passages:
        yield AnswerDone(not_found(question))
        return
    allowed = [p.text for p in passages]
    prompt = await protect(
        build_prompt(question, passages), chart=chart, withheld=withheld, allowed=allowed
    )
    text = ""
    async for piece in stream_text(llm, prompt, chunk_seconds=chunk_seconds):
        text += piece
        yield AnswerToken(piece)
    yield AnswerDone(cite(question, text, passages), outbound=prompt)


def cite(question: str, text: str, passages: Sequence[Passage]) -> Answer:
    """The model's answer as sentences with citations from their [n] markers."""
    sentences = [_sentence(piece, passages) for piece in _pieces(text)]
    if not sentences or _is_not_found(sentences):
        return not_found(question)
    return Answer(question, "llm", tuple(sentences), found=any(s.supported for s in sentences))


def _pieces(text: str) -> list[str]:
    """Sentences of `text`; a piece that is only markers ("[2]" after the full stop)
    is joined to the sentence before it."""
    pieces: list[str] = []
    for start, end in split_sentences(text):
        piece = text[start:end]
        if pieces and not _MARKERS.sub("", piece).strip(" ."):
            pieces[-1] += " " + piece
        else:
            pieces.append(piece)
    return pieces


def _sentence(piece: str, passages: Sequence[Passage]) -> AnswerSentence:
    numbers = [int(n) for m in _MARKERS.finditer(piece) for n in _NUMBERS.findall(m.group(0))]
    cited = list(dict.fromkeys(n for n in numbers if 1 <= n <= len(passages)))
    text = _MARKERS.sub(" ", piece).strip()
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", text))
    citations = tuple(_citation(text, passages[n - 1]) for n in cited)
    return AnswerSentence(text, citations, supported=bool(citations))


def _citation(sentence: str, passage: Passage) -> Citation:
    """The passage sentence sharing most content words with `sentence` (else the passage)."""
    words = content_words(sentence)
    best = max(candidates([passage]), key=lambda c: overlap(words, c.text), default=None)
    if best is None or overlap(words, best.text) == 0:
        return Citation(
            passage.source, passage.title, passage.date, passage.text, passage.start, passage.end
        )
    return Citation(passage.source, passage.title, passage.date, best.text, best.start, best.end)


def _is_not_found(sentences: list[AnswerSentence]) -> bool:
    return len(sentences) == 1 and sentences[0].text.rstrip(".") == NOT_FOUND.rstrip(".")
