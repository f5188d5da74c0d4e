"""Triage of a client's secure message: one category, and the words that decided it.

Categories, in the order a mixed message is filed (the practice's rule: urgent beats
everything; otherwise what the practice must act on first): urgent, medication,
clinical, billing, scheduling, administrative.

How a message is sorted:

1. **Urgent cues** (copilot.inbox.lexicon.URGENT_RES, with their sources there; and
   the drafting engine's risk statements, copilot.drafting.risk) are found sentence
   by sentence. A cue does not count when its clause negates it ("I'm not having any
   thoughts of hurting myself"), puts it in the past ("back in 2015") or with media
   or someone else's words ("a documentary about suicide"), unless the clause says it
   is happening now ("again", "tonight"); when it is an idiom ("this form is killing
   me"); when its family needs a word of risk nearby and there is none (a bridge
   club, a gun safe); or when the message says the danger has passed ("I used my
   safety plan, I'm safe now"). Any counted cue files the message as urgent.
2. The **wording model** (logistic regression over each sentence in its context:
   the sentence's MiniLM embedding, all-MiniLM-L6-v2, the mean of its neighbours'
   and the whole message's; see sentence_context) files a message as urgent when a
   sentence reaches its threshold and that sentence is not past, about others,
   defused as above, or a denial the drafting engine's NegEx reads ("No thoughts of
   hurting myself"); a negation that is itself the risk ("I don't see myself making
   it to next week") does not hedge. A sentence between the lower "possible risk"
   threshold and that one marks the message for a careful read without moving it.
3. Otherwise a multinomial logistic regression over the message's embedding and the
   counts of each category's cues (copilot.inbox.lexicon.CATEGORY_RES) and of the
   discounted urgent cues picks the category.

Both models are trained on data/train_messages*.json (4,015 messages written for the
project; see the README's "Triage quality") by `manage.py train_triage`, weights in
data/triage.npz.

The reasons are the counted urgent cues, the sentence the wording model read (urgent),
or the chosen category's cues; a message the model filed without any cue of its
category gives its sentence with the highest probability for that category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from copilot.drafting.risk import find_in_text

from .lexicon import (
    BENIGN,
    BENIGN_NEARBY,
    CATEGORY_RES,
    ELSEWHERE,
    HEDGE,
    IDIOMS,
    LARGE_INGESTION,
    MY_CHILD,
    NEGATION,
    NOW,
    PAST,
    STILL_UNSAFE,
    URGENT_CONTEXT,
    URGENT_RES,
)

CATEGORIES = ("urgent", "medication", "clinical", "billing", "scheduling", "administrative")
LABELS = {
    "urgent": "Urgent",
    "medication": "Medication",
    "clinical": "Clinical question",
    "billing": "Billing / insurance",
    "scheduling": "Scheduling",
    "administrative": "Administrative",
}
MODEL_FILE = Path(__file__).parent / "data" / "triage.npz"
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_NEGATION_REACH = 6  # words before a cue that a negation governs (NegEx's window: 5-6)


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the message text, and what they say."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class UrgentCue:
    """One urgent cue: its family (lexicon.URGENT_CUES key), where it is, and why it
    does not count ("" when it counts; else one of DISCOUNTS: negated, in the past,
    about media or someone else, an idiom, no word of risk in its sentence for a
    family that needs one, or a message that says the danger has passed)."""

    family: str
    span: Span
    discounted: str = ""


@dataclass(frozen=True)
class Triage:
    """A message's category with its reasons (source spans of the message text), the
    urgent families that decided (urgent only), the model's probabilities by category,
    and `review`: for a message not filed as urgent, the sentence whose wording the
    sentence model reads as possible risk (None: none)."""

    category: str
    reasons: tuple[Span, ...]
    families: tuple[str, ...] = ()
    probabilities: dict[str, float] = field(default_factory=dict)
    review: Span | None = None

    @property
    def label(self) -> str:
        return LABELS[self.category]

    @property
    def urgent(self) -> bool:
        return self.category == "urgent"


def sentences(text: str) -> list[Span]:
    """The message's sentences (and lines), stripped, as spans."""
    found = []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        start = match.start() + len(raw) - len(raw.lstrip())
        end = match.end() - (len(raw) - len(raw.rstrip()))
        if end > start:
            found.append(Span(start, end, text[start:end]))
    return found


def urgent_cues(text: str) -> list[UrgentCue]:
    """Every urgent cue in `text`, counted or discounted (see the module docstring)."""
    cues = []
    benign = _benign(text)
    spans = sentences(text)
    for index, sentence in enumerate(spans):
        idioms = [m.span() for m in IDIOMS.finditer(sentence.text)]
        nearby = " ".join(s.text for s in spans[max(0, index - 1) : index + 2])  # and neighbours
        for family, pattern in URGENT_RES.items():
            context = URGENT_CONTEXT.get(family)
            for match in pattern.finditer(sentence.text):
                start, end = sentence.start + match.start(), sentence.start + match.end()
                span = Span(start, end, text[start:end])
                reason = _discount(sentence.text, match, idioms)
                if (
                    reason == "elsewhere"
                    and family == "abuse or danger"
                    and MY_CHILD.search(nearby)
                ):
                    reason = ""  # a child's disclosure is the news, not someone else's words
                if not reason and context is not None and not context.search(nearby):
                    reason = "no risk context"
                ingested = family == "medical emergency" and LARGE_INGESTION.match(span.text)
                if not reason and (benign or BENIGN_NEARBY.search(nearby)) and not ingested:
                    reason = "benign"  # not "took 40 of my tylenol … feel fine actually"
                cues.append(UrgentCue(family, span, reason))
    risk = _risk_statements(text)
    if benign:
        risk = [UrgentCue(c.family, c.span, c.discounted or "benign") for c in risk]
    return cues + risk


# "Now" words that still make a past statement current when they share its clause
# ("I cut again last night"); a bare "now" does not ("that's behind me now").
_RECURRING = re.compile(
    r"\b(?:again|tonight|today|right now|rn|last night|this (?:morning|evening)|currently)\b", re.I
)
RISK_FAMILIES = {  # copilot.drafting.risk kinds a message is urgent for
    "suicidal_ideation": "suicidal thoughts",
    "homicidal_ideation": "harm to others",
    "self_harm": "self-harm now",
    "abuse": "abuse or danger",
}


def _risk_statements(text: str) -> list[UrgentCue]:
    """The drafting engine's risk statements (copilot.drafting.risk: NegEx negation),
    positive ones only, discounted like the lexicon's cues when past, about media or
    someone else's words, or an idiom."""
    cues = []
    for finding in find_in_text(text):
        family = RISK_FAMILIES.get(finding.kind)
        if family is None or finding.negated or finding.source.start is None:
            continue
        start, end = finding.source.start, finding.source.end
        quote = text[start:end]
        if IDIOMS.search(quote):
            reason = "idiom"
        elif ELSEWHERE.search(quote):
            reason = "elsewhere"
        elif PAST.search(quote) and not _RECURRING.search(quote):
            reason = "past"
        else:
            reason = ""
        cues.append(UrgentCue(family, Span(start, end, quote), reason))
    return cues


def _discount(sentence: str, match: re.Match[str], idioms) -> str:
    """Why a cue does not count, judged within its clause ("" when it counts)."""
    if any(a < match.end() and match.start() < b for a, b in idioms):  # shares its words
        return "idiom"
    start = _clause_start(sentence, match.start())
    clause = _clause(sentence, match.start(), match.end())
    lead = sentence[start : match.start()]
    window = " ".join(lead.split()[-_NEGATION_REACH:])
    if NEGATION.search(window) and not HEDGE.search(window):
        return "negated"
    if ELSEWHERE.search(clause) or (ELSEWHERE.search(sentence) and not NOW.search(clause)):
        return "elsewhere"
    if PAST.search(clause) and not NOW.search(clause):
        return "past"
    return ""


_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2014]|\s-\s|\b(?:and|but|so|because|though|although|that's why)\b", re.I
)


def _clause_start(sentence: str, at: int) -> int:
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, at)]
    return starts[-1] if starts else 0


def _clause(sentence: str, start: int, end: int) -> str:
    following = _CLAUSE_BREAK.search(sentence, end)
    stop = following.start() if following else len(sentence)
    return sentence[_clause_start(sentence, start) : stop]


def category_cues(text: str) -> dict[str, list[Span]]:
    """The cues of each non-urgent category in `text`, as spans (lexicon.CATEGORY_RES)."""
    return {
        category: [Span(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
        for category, pattern in CATEGORY_RES.items()
    }


DISCOUNTS = ("negated", "past", "elsewhere", "idiom", "no risk context", "benign")
FEATURE_NAMES = (
    *(f"cues:{c}" for c in CATEGORY_RES),
    "urgent:counted",
    *(f"urgent:{reason}" for reason in DISCOUNTS),
)


def cue_features(text: str) -> np.ndarray:
    """Counts, log1p-scaled, in FEATURE_NAMES order: each category's cues, the counted
    urgent cues and the discounted ones by reason. Shape (len(FEATURE_NAMES),)."""
    counts = [len(spans) for spans in category_cues(text).values()]
    urgent = urgent_cues(text)
    counts.append(sum(1 for cue in urgent if not cue.discounted))
    for reason in DISCOUNTS:
        counts.append(sum(1 for cue in urgent if cue.discounted == reason))
    return np.log1p(np.asarray(counts, dtype=np.float32))


class TriageModel:
    """The two learned parts of triage, multinomial / binary logistic regressions over
    [MiniLM embedding (384), cue features × `cue_scale`] (see cue_features):

    - the category model, `weights` (n_classes, n_features), `bias`, `classes`;
    - the sentence urgency model over the sentence in context (sentence_context,
      without the cues), `sentence_weights` (3 × 384,), `sentence_bias`: the
      probability, from its wording, that one sentence is what makes a message
      urgent; a message with a sentence at or above `sentence_threshold` is urgent
      even without a cue (the threshold is chosen by cross-validation on the training
      messages; > 1 disables it); a message with a sentence at or above the lower
      `review_threshold` is filed by its request but marked "possible risk".
    """

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        classes,
        cue_scale: float,
        sentence_weights: np.ndarray | None = None,
        sentence_bias: float = 0.0,
        sentence_threshold: float = 2.0,
        review_threshold: float = 2.0,
    ):
        self.weights, self.bias = weights, bias
        self.classes = tuple(str(c) for c in classes)
        self.cue_scale = cue_scale
        self.sentence_weights = sentence_weights
        self.sentence_bias = float(sentence_bias)
        self.sentence_threshold = float(sentence_threshold)
        self.review_threshold = float(review_threshold)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> TriageModel:
        data = np.load(path)
        sentence = {}
        if "sentence_weights" in data:
            sentence = {
                "sentence_weights": data["sentence_weights"],
                "sentence_bias": float(data["sentence_bias"]),
                "sentence_threshold": float(data["sentence_threshold"]),
                "review_threshold": float(data["review_threshold"]),
            }
        return cls(
            data["weights"], data["bias"], data["classes"], float(data["cue_scale"]), **sentence
        )

    def features(self, texts: list[str], embeddings: np.ndarray) -> np.ndarray:
        cues = np.vstack([cue_features(t) for t in texts]) * self.cue_scale
        return np.hstack([embeddings, cues])

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Softmax probabilities, shape (n, n_classes) in `classes` order."""
        logits = features @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def sentence_urgency(self, embeddings: np.ndarray, message: np.ndarray) -> np.ndarray:
        """Probability per sentence of one message (`embeddings`: its sentences' MiniLM
        embeddings in order, (n, 384); `message`: the message's, (384,)) that it makes
        the message urgent; zeros without a sentence model."""
        if self.sentence_weights is None or not len(embeddings):
            return np.zeros(len(embeddings))
        logits = sentence_context(embeddings, message) @ self.sentence_weights
        return 1.0 / (1.0 + np.exp(-(logits + self.sentence_bias)))


def sentence_context(embeddings: np.ndarray, message: np.ndarray) -> np.ndarray:
    """What the sentence model reads of each sentence of one message: its embedding,
    the mean of its neighbours' (the sentences before and after it; zeros for a
    missing one) and the message's, side by side. `embeddings` (n, 384) in order,
    `message` (384,); returns (n, 1152). "I won't be at Thursday's session." reads
    differently next to "I won't be around by then." than next to "I'm at a
    conference.".
    """
    zero = np.zeros_like(embeddings[:1])
    before = np.vstack([zero, embeddings[:-1]])
    after = np.vstack([embeddings[1:], zero])
    whole = np.repeat(message[None, :], len(embeddings), axis=0)
    return np.hstack([embeddings, (before + after) / 2, whole])


@cache
def get_model() -> TriageModel:
    """The shipped model (data/triage.npz), loaded once per process."""
    return TriageModel.load()


def triage(texts: list[str], *, model: TriageModel | None = None) -> list[Triage]:
    """Sort each message text (see the module docstring). Embeds every message and
    every sentence once, in one MiniLM batch (a few ms each on CPU)."""
    from copilot.retrieval.embeddings import embed

    if not texts:
        return []
    model = model or get_model()
    split = [sentences(t) or [Span(0, len(t), t)] for t in texts]
    flat = [s.text for spans in split for s in spans]
    vectors = embed([*texts, *flat])
    probabilities = model.probabilities(model.features(list(texts), vectors[: len(texts)]))
    sentence_vectors = vectors[len(texts) :]
    found, at = [], 0
    for row, (text, p, spans) in enumerate(zip(texts, probabilities, split, strict=True)):
        own = sentence_vectors[at : at + len(spans)]
        at += len(spans)
        scores = model.sentence_urgency(own, vectors[row])
        found.append(_decide(text, p, spans, scores, own, model))
    return found


WORDING = "the wording (learned)"  # the family of an urgency the sentence model found


def _decide(text: str, probabilities, spans: list[Span], urgency, vectors, model) -> Triage:
    """`spans` are the message's sentences, `urgency` and `vectors` (their embeddings)
    row for row."""
    scores = {c: float(p) for c, p in zip(model.classes, probabilities, strict=True)}
    counted = [cue for cue in urgent_cues(text) if not cue.discounted]
    if counted:
        families = tuple(dict.fromkeys(cue.family for cue in counted))
        return Triage("urgent", _merge([c.span for c in counted]), families, scores)
    worded = spans[int(urgency.argmax())] if len(urgency) else None
    strong = worded is not None and urgency.max() >= model.sentence_threshold
    if strong and not _hedged(text, worded):
        return Triage("urgent", (worded,), (WORDING,), scores)
    category = max(scores, key=scores.__getitem__)
    if category == "urgent":
        return Triage("urgent", (_best_sentence(spans, vectors, "urgent", model),), (), scores)
    reasons = category_cues(text).get(category) or [_best_sentence(spans, vectors, category, model)]
    review = None
    if len(urgency) and urgency.max() >= model.review_threshold:
        review = spans[int(urgency.argmax())]
    return Triage(category, _merge(reasons), (), scores, review)


def _hedged(text: str, sentence: Span) -> bool:
    """Does the sentence the wording model picked say what the cues' discounts say: in
    the past, about media or someone else, an idiom ("dying to tell you"), a message
    that says the danger has passed, or a denial (every risk statement the drafting
    engine's NegEx finds in it is negated: "No thoughts of hurting myself")? Such a
    sentence is only marked "possible risk". A negation that is itself the risk ("I'm
    planning not to be here") is no denial: NegEx finds no negated risk statement
    there."""
    said = sentence.text
    if _benign(text) or ELSEWHERE.search(said) or IDIOMS.search(said):
        return True
    if PAST.search(said) and not NOW.search(said):
        return True
    findings = find_in_text(said)
    return bool(findings) and all(f.negated for f in findings)


def _benign(text: str) -> bool:
    """Does the message say the danger has passed (lexicon.BENIGN) and not that it is
    still there (lexicon.STILL_UNSAFE)?"""
    return BENIGN.search(text) is not None and STILL_UNSAFE.search(text) is None


def _best_sentence(spans: list[Span], vectors, category: str, model: TriageModel) -> Span:
    """The sentence with the highest probability for `category` (from the embeddings
    the message's triage already made)."""
    features = model.features([s.text for s in spans], vectors)
    column = model.classes.index(category)
    return spans[int(model.probabilities(features)[:, column].argmax())]


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    """Spans sorted, overlapping ones joined."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(
                    last.start, span.end, last.text + span.text[last.end - span.start :]
                )
        else:
            merged.append(span)
    return tuple(merged)
