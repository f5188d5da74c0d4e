"""The `grounded` drafting engine: the clinician's own sentences sorted into the
template, chart facts added, placeholders where the input is silent. Offline,
deterministic, and it cannot invent: every sentence it writes is an input sentence
(reframed by `text`'s rules) or a chart fact, and cites it.

`link_sources` runs the same tracing over the `llm` engine's output, flagging the
sentences that nothing in the input or the chart supports.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import risk
from .chart_facts import all_facts, chart_sentences, disclosable
from .classifier import Classified, get_classifier
from .propositions import Proposition, propositions
from .salience import ALWAYS_KEPT, asides, closing_start, get_salience, opening_end
from .templates import NoteTemplate, RequiredItem, SectionSpec
from .text import (
    LABELED_ASIDE,
    Segment,
    Statement,
    segment,
    split_sentences,
    statements,
    tidy,
    without_frame,
)
from .types import DraftedSection, DraftRequest, DraftSentence, InputKind, Source
from .vectors import DIMENSIONS, embed_sentences

ENGINE_NAME = "grounded"
ENGINE_VERSION = "1.0"
PLACEHOLDER = "[clinician to complete: {}]"
_PLACEHOLDER = re.compile(r"\[clinician to complete:[^\]]*\]", re.IGNORECASE)


@dataclass(frozen=True)
class Analysis:
    """The input read once per draft: its kind, its statements in order, the section
    key each goes to, and the FHIR references of the chart goals it mentions."""

    kind: InputKind
    statements: tuple[Statement, ...]
    sections: tuple[str, ...]
    touched_goals: frozenset[str]


def compose(request: DraftRequest) -> list[DraftedSection]:
    """One DraftedSection per template section, in template order. Never raises for
    any input text (an empty input gives chart facts and placeholders only). Notes or
    transcript is read from the text itself (text.segment), whatever `request.kind` says."""
    return list(iter_sections(request))


def iter_sections(request: DraftRequest) -> Iterator[DraftedSection]:
    """`compose`, one section at a time (the input is classified before the first)."""
    analysis = analyse(request)
    for spec in request.template.sections:
        yield draft_section(spec, analysis, request)


def analyse(request: DraftRequest, *, always: Collection[str] = ALWAYS_KEPT) -> Analysis:
    """Segment, rewrite and classify the input. Notes: the clinician's own sentences
    (text.statements). Transcripts: propositions (copilot.drafting.propositions), the
    salient ones and those of a kind in `always` (Proposition.kind), repeats merged
    (`condense`)."""
    kind, segments = segment(request.text)
    if kind == "transcript":
        found, vectors, labels = transcript_statements(
            segments, len(request.text), person_term(request.text), always=always
        )
    else:
        found = [
            _with_subject(s)
            for s in statements(request.text)[1]
            if not LABELED_ASIDE.match(s.text)  # "(aside: car in shop again, …)"
        ]
        vectors, labels = None, [s.label for s in found]
    goals = disclosable(request.chart.goals)
    classified = get_classifier().classify(
        [s.text for s in found],
        [s.speaker for s in found],
        labels=labels,
        goals=[g.description for g in goals],
        vectors=vectors,
    )
    touched = frozenset(goals[i].source for c in classified for i in c.goals)
    keys = tuple(section_for(request.template, c).key for c in classified)
    return Analysis(kind, tuple(found), keys, touched)


# Propositions whose cosine reaches this say the same thing; the first is kept, citing all.
SAME_FACT_COSINE = 0.88
# Statements whose cosine reaches this are on one topic and written together (by_topic).
TOPIC_COSINE = 0.8
# (Both set on contextual MiniLM at 0.86 and 0.7, and carried to the static vectors at the
# same share of within-visit proposition pairs, as classifier.GOAL_COSINE.)
_ROLE_OF_KIND = {"plan": "plan", "intervention": "intervention"}


def transcript_statements(
    segments: Sequence[Segment],
    length: int,
    term: str = "client",
    *,
    always: Collection[str] = ALWAYS_KEPT,
) -> tuple[list[Statement], np.ndarray, list[str | None]]:
    """The salient propositions of a transcript (and those of a kind in `always`) as
    Statements, their vectors (n, DIMENSIONS) and the role their kind fixes (a clinician's
    plan, an intervention) or None."""
    props = propositions(list(segments), length, term)
    if not props:
        return [], np.zeros((0, DIMENSIONS), dtype=np.float32), []
    vectors = embed_sentences([without_frame(p.text) for p in props])
    therapy = term == "client"
    opening = opening_end(segments, length) if therapy else 0.0
    closing = closing_start(props) if therapy else 1.0
    aside = asides(segments, length) if therapy else []
    keep = get_salience().keep(
        props, vectors, always, therapy=therapy, opening=opening, closing=closing, aside=aside
    )
    chosen = [i for i, k in enumerate(keep) if k]
    merged = condense([props[i] for i in chosen], vectors[chosen])
    found = [
        Statement(p.text, tuple(dict.fromkeys(seg for q in group for seg in q.segments)), p.speaker)
        for p, group in merged
    ]
    rows = [chosen[i] for i in _firsts(merged, [props[i] for i in chosen])]
    labels = [_ROLE_OF_KIND.get(p.kind) for p, _ in merged]
    order = by_topic(vectors[rows])
    return [found[i] for i in order], vectors[rows][order], [labels[i] for i in order]


def by_topic(vectors: np.ndarray, cosine: float | None = None) -> list[int]:
    """An order of the statements (rows of `vectors`, in transcript order) in which each
    follows the topic it belongs to: a statement whose best cosine with an earlier one
    reaches TOPIC_COSINE joins that statement's run; else it starts a new run."""
    cosine = TOPIC_COSINE if cosine is None else cosine
    runs: list[list[int]] = []
    run_of: list[int] = []
    for i in range(len(vectors)):
        if i:
            similar = vectors[:i] @ vectors[i]
            best = int(np.argmax(similar))
            if similar[best] >= cosine:
                runs[run_of[best]].append(i)
                run_of.append(run_of[best])
                continue
        runs.append([i])
        run_of.append(len(runs) - 1)
    return [i for run in runs for i in run]


_SUBJECTLESS_NOTE = re.compile(r"^(Reports|Denies|Endorses|Rates|Describes)\b")


def _with_subject(statement: Statement) -> Statement:
    """A note's "Reports worry most days." as "Client reports worry most days."."""
    text = _SUBJECTLESS_NOTE.sub(lambda m: f"Client {m[1].lower()}", statement.text, count=1)
    return dataclasses.replace(statement, text=text)


def person_term(text: str) -> str:
    """ "patient" when the transcript tags the person in care as a patient, else "client"."""
    patient = re.search(r"^[ \t]*(?:\[patient\]|patient[ \t]*:)", text, re.I | re.M)
    return "patient" if patient else "client"


def condense(props: list[Proposition], vectors: np.ndarray) -> list[tuple[Proposition, list]]:
    """Propositions saying the same thing (cosine >= SAME_FACT_COSINE) folded into the
    first, which cites all of them; risk statements are never folded."""
    groups: list[tuple[Proposition, list]] = []
    heads: list[int] = []
    for i, p in enumerate(props):
        if p.kind != "risk" and heads:
            similar = vectors[heads] @ vectors[i]
            best = int(np.argmax(similar))
            if similar[best] >= SAME_FACT_COSINE and groups[best][0].kind != "risk":
                groups[best][1].append(p)
                continue
        groups.append((p, [p]))
        heads.append(i)
    return groups


def _firsts(merged: list[tuple[Proposition, list]], props: list[Proposition]) -> list[int]:
    index = {id(p): i for i, p in enumerate(props)}
    return [index[id(p)] for p, _ in merged]


def section_for(template: NoteTemplate, classified: Classified) -> SectionSpec:
    """The section taking `classified.role`, else its model role, else the first
    section taking subjective sentences, else the first section."""
    return (
        template.section_for_role(classified.role)
        or template.section_for_role(classified.model_role)
        or template.section_for_role("subjective")
        or template.sections[0]
    )


def draft_section(spec: SectionSpec, analysis: Analysis, request: DraftRequest) -> DraftedSection:
    """The input's sentences for `spec`, then its chart facts, then a placeholder for
    each required item nothing in the section documents."""
    own = [
        DraftSentence(s.text, tuple(Source.span(seg.start, seg.end) for seg in s.segments))
        for s, key in zip(analysis.statements, analysis.sections, strict=True)
        if key == spec.key
    ]
    facts = {
        kind: chart_sentences(kind, request.chart, touched_goals=analysis.touched_goals)
        for kind in spec.chart
    }
    # Goals addressed are the session's own documentation; a score or an item 9 flag is
    # not (a positive item 9 asks for a risk assessment, it is not one).
    goals = [re.sub(r" \([^)]*\)\.$", ".", s.text) for s in facts.get("goals", [])]
    documented = [s.text for s in own] + goals  # a goal's chart status is no impression
    missing = [item for item in spec.required if not is_documented(item, documented)]
    placeholders = [DraftSentence(PLACEHOLDER.format(i.item), placeholder=True) for i in missing]
    chart = [sentence for kind in spec.chart for sentence in facts[kind]]
    return DraftedSection(spec.key, spec.title, tuple(own + chart + placeholders))


RISK_CUE = "@risk"


def is_documented(item: RequiredItem, sentences: Sequence[str]) -> bool:
    """Does any sentence contain one of the item's cues? Whole words, case-insensitive,
    a trailing `*` marking a stem ("improv*" meets "improved"); "we'll" counts as "will".
    Short all-capital cues (SI, HI, MI, CBT) must be written in capitals, so "Hi" is not HI."""
    return any(has_cue(cue, text) for cue in item.cues for text in sentences)


def has_cue(cue: str, text: str) -> bool:
    """Whether `text` contains `cue` as whole words (rules as in is_documented), or for
    "@risk" whether risk.py finds a risk statement or denial in it."""
    if cue == RISK_CUE:
        return bool(risk.find_in_text(text))
    text = re.sub(r"['\u2019]ll\b", " will", re.sub(r"\bwon['\u2019]t\b", "will not", text))
    stem = cue.endswith("*")
    word = re.escape(cue.rstrip("*"))
    pattern = rf"(?<![A-Za-z]){word}" + ("" if stem else r"(?![A-Za-z])")
    flags = 0 if cue.isupper() and len(cue) <= 4 else re.IGNORECASE
    return re.search(pattern, text, flags) is not None


# --- linking generated text to its sources ---------------------------------------------

# Tuned on ACI-Bench train by `manage.py train_section_classifier --tune-linking`:
# reference-note sentences against their own transcript (supported) and against the next
# encounter's (unsupported); these keep 77.5% of the first and flag 83.3% of the second
# (balanced accuracy 0.804; 0.836 with contextual MiniLM vectors at 0.52 / 0.55). A
# sentence is supported when a candidate reaches LINK_COSINE in vector cosine or
# LINK_OVERLAP in content-word recall.
LINK_COSINE = 0.70
LINK_OVERLAP = 0.40
_LINK_MARGIN = 0.05  # further sources within this of the best are cited too (3 at most)


@dataclass(frozen=True)
class _Candidate:
    """Something a generated sentence may rest on: an input sentence or a chart fact."""

    text: str
    sources: tuple[Source, ...]

    @property
    def words(self) -> set[str]:
        return _content(_tokens(self.text))


def link_sources(section_text: str, request: DraftRequest) -> tuple[DraftSentence, ...]:
    """Generated `section_text` as sentences, each citing the input segments or chart
    facts that support it. A sentence is unsupported (`supported=False`, no sources)
    when no candidate is close enough (LINK_COSINE, LINK_OVERLAP), when it states a
    number its best source does not hold, or when it states a suicide / homicide / self-harm
    finding (or denial) that neither the input nor the chart states with that polarity
    (risk.find_in_text). "[clinician to complete: …]" passes through as a placeholder."""
    pieces = _pieces(section_text)
    sentences = [text for text, placeholder in pieces if not placeholder]
    linked = iter(_link_all(sentences, request))
    return tuple(
        DraftSentence(text, placeholder=True) if placeholder else next(linked)
        for text, placeholder in pieces
    )


def _pieces(section_text: str) -> list[tuple[str, bool]]:
    """(text, is_placeholder) in order: placeholders whole, the rest split into sentences."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in [*_PLACEHOLDER.finditer(section_text), None]:
        end = match.start() if match else len(section_text)
        spans = split_sentences(section_text, position, end)
        pieces += [(section_text[s:e], False) for s, e in spans]
        if match:
            pieces.append((match[0], True))
            position = match.end()
    return pieces


_Candidates = tuple[tuple[_Candidate, ...], np.ndarray, list[set[str]]]


def _candidates(request: DraftRequest) -> _Candidates:
    """Every input sentence (as said, and as rewritten) and every chart fact, with their
    embeddings and content words; cached for the sections of one draft."""
    try:
        return _cached_candidates(request)
    except TypeError:  # a chart holding something unhashable: no cache, same result
        return _cached_candidates.__wrapped__(request)


@lru_cache(maxsize=8)
def _cached_candidates(request: DraftRequest) -> _Candidates:
    _, found = statements(request.text)
    items = [
        _Candidate(tidy(seg.text), (Source.span(seg.start, seg.end),))
        for seg in segment(request.text)[1]
    ]
    items += [
        _Candidate(s.text, tuple(Source.span(g.start, g.end) for g in s.segments)) for s in found
    ]
    items += [_Candidate(f.text, f.sources) for f in all_facts(request.chart)]
    vectors = embed_sentences([without_frame(c.text) for c in items])
    return tuple(items), vectors, [c.words for c in items]


def _link_all(sentences: list[str], request: DraftRequest) -> list[DraftSentence]:
    if not sentences:
        return []
    items, vectors, words = _candidates(request)
    if not items:
        return [DraftSentence(text, supported=False) for text in sentences]
    cosine = embed_sentences([without_frame(t) for t in sentences]) @ vectors.T
    stated = _risk_findings(request)
    return [
        _link(text, row, items, words, stated) for text, row in zip(sentences, cosine, strict=True)
    ]


def support_scores(sentences: list[str], request: DraftRequest) -> tuple[np.ndarray, np.ndarray]:
    """For each sentence, its best embedding cosine and best content-word recall over the
    request's candidates (input sentences and chart facts): two float arrays (n,). Used
    to tune LINK_COSINE and LINK_OVERLAP."""
    items, vectors, words = _candidates(request)
    if not sentences or not items:
        return np.zeros(len(sentences)), np.zeros(len(sentences))
    cosine = embed_sentences([without_frame(t) for t in sentences]) @ vectors.T
    overlap = [max(_recall(_content(_tokens(t)), c) for c in words) for t in sentences]
    return cosine.max(axis=1), np.array(overlap)


def _link(
    text: str,
    cosine: np.ndarray,
    items: tuple[_Candidate, ...],
    words: list[set[str]],
    stated: set[tuple[str, bool]],
) -> DraftSentence:
    """One generated sentence against every candidate; `cosine` (n_candidates,)."""
    tokens = _tokens(text)
    own = _content(tokens)
    overlap = np.array([_recall(own, other) for other in words])
    passes = (cosine >= LINK_COSINE) | (overlap >= LINK_OVERLAP)
    if not passes.any():
        return DraftSentence(text, supported=False)
    score = np.where(passes, cosine + overlap, -np.inf)
    cited = [i for i in np.argsort(-score)[:3] if score[i] >= score.max() - _LINK_MARGIN]
    if not _numbers_supported(tokens, [items[i].text for i in cited]):
        return DraftSentence(text, supported=False)
    if not _risk_consistent(text, stated):
        return DraftSentence(text, supported=False)
    return DraftSentence(text, tuple(dict.fromkeys(s for i in cited for s in items[i].sources)))


def _risk_findings(request: DraftRequest) -> set[tuple[str, bool]]:
    findings = risk.find_in_text(request.text) + risk.find_in_chart(request.chart)
    return {(f.kind, f.negated) for f in findings}


def _risk_consistent(text: str, stated: set[tuple[str, bool]]) -> bool:
    return all((f.kind, f.negated) in stated for f in risk.find_in_text(text))


_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an the and or but of to in on at for by with from as is are was were be been being "
        "has have had do does did this that these those it its they them their he she his her "
        "him i me my we our you your client clinician patient reported reports stated said "
        "states that about also very so not no some any more most than then there which who",
    )
)
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        re.findall(
            r"\S+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty",
        )
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "hundred": "100"}


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word as written, normalized) in order: lower case, "five" as "5", and instrument
    names as one word ("PHQ-9" is "phq", not a 9)."""
    text = re.sub(r"\b(PHQ|GAD)-?\d+\b", r"\1", text, flags=re.IGNORECASE)
    words = re.findall(r"[a-z]+|\d+(?:\.\d+)?", text.lower())
    return [(word, _NUMBER_WORDS.get(word, word)) for word in words]


def _is_number(word: str) -> bool:
    return word[:1].isdigit()


def _content(tokens: list[tuple[str, str]]) -> set[str]:
    return {w[:6] for _, w in tokens if w not in _STOPWORDS and not _is_number(w)}


def _recall(words: set[str], candidate: set[str]) -> float:
    return len(words & candidate) / len(words) if words else 0.0


def _numbers_supported(tokens: list[tuple[str, str]], sources: list[str]) -> bool:
    """Does every number the sentence states stand in a cited source next to a word it
    stands next to in the sentence (3 words either side)? "PHQ-9 total is 12" is not
    supported by "below 10 within 12 weeks". Spelled-out "zero"/"one" are not claims
    ("no one", "one of")."""
    contexts = [_number_contexts(_tokens(source)) for source in sources]
    for number, near in _number_contexts(tokens, skip={"zero", "one"}).items():
        found = [c[number] for c in contexts if number in c]
        if not found or (near and not any(near & other for other in found)):
            return False
    return True


def _number_contexts(
    tokens: list[tuple[str, str]], skip: Collection[str] = ()
) -> dict[str, set[str]]:
    contexts: dict[str, set[str]] = {}
    for i, (word, normal) in enumerate(tokens):
        if _is_number(normal) and word not in skip:
            near = _content(tokens[max(0, i - 3) : i + 4])
            contexts[normal] = contexts.get(normal, set()) | near
    return contexts
