"""Questions about the practice's own rules, answered from its knowledge base.

`asks_practice(question, chart)` routes a question to the practice knowledge base
(copilot.kb) instead of the client's chart when it asks how the practice works -
"steps to submit a prior auth", "our policy on no-shows", "how fast do I have to
co-sign" - and does not point at this client: no he/she/him/her/his/hers, no part
of the client's name, no "the client", no "last/next session", no "this case". A
question that points at the client always goes to the chart, whatever else it says.

Answers quote the documents' own sentences (the grounded extractive answer), each
citing "kb:<file>#<heading>"; nothing from any client's chart is ever read here.
"""

from __future__ import annotations

import re
from dataclasses import replace

from copilot.chart import ChartContext

from .extractive import answer_extractive
from .types import Answer, AnswerSentence, Passage

NOT_FOUND_PRACTICE = "I could not find this in the practice's documents."

_PRACTICE = re.compile(
    r"\b(?:polic(?:y|ies)|procedures?|protocols?|steps?|guidelines?|deadlines?|rules?"
    r"|our|how (?:do|should|can|must) (?:i|we)|(?:do|should|must|can|may|am|are) (?:i|we)"
    r"|what do (?:i|we)|(?:a|any|new) clients?|clients|prior auth\w*|pa request|roi"
    r"|release of information|consent|telehealth|video (?:session|call|visit)|no-?shows?"
    r"|cancel\w*|co-?sign\w*|supervis\w*|mandated|peer[- ]to[- ]peer|insurance|billing|fees?"
    r"|(?:soap|dap|birp|girp) notes?|supposed to)\b",
    re.IGNORECASE,
)
_THIS_CLIENT = re.compile(
    r"\b(?:he|she|him|her|his|hers|himself|herself|the client|this client|the patient"
    r"|(?:last|next|previous|latest|most recent|this|that) (?:session|visit|appointment|note)"
    r"|(?:this|her|his|their) case)\b",
    re.IGNORECASE,
)
MAX_SENTENCES = 4
PER_SECTION = 3
THRESHOLD = 0.45  # a practice question with nothing close in the documents is "not found"


def asks_practice(question: str, chart: ChartContext) -> bool:
    """Whether `question` asks about the practice's documents rather than this client."""
    if not _PRACTICE.search(question) or _THIS_CLIENT.search(question):
        return False
    names = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", chart.client.name)}
    return not names & {w.lower() for w in re.findall(r"[A-Za-z]{3,}", question)}


def answer_from_documents(question: str, passages: list[Passage]) -> Answer:
    """The documents' sentences that answer `question` (up to MAX_SENTENCES, at most
    PER_SECTION from one section), in document order, or NOT_FOUND_PRACTICE."""
    answer = answer_extractive(
        question,
        passages,
        threshold=THRESHOLD,
        max_sentences=MAX_SENTENCES,
        per_source=PER_SECTION,
    )
    if not answer.found:
        return Answer(question, "not_found", (AnswerSentence(NOT_FOUND_PRACTICE),), found=False)
    return replace(answer, kind="practice")
