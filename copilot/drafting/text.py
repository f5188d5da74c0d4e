"""The clinician's input, cut into sentences and rewritten for a note, by rules only.

- `segment`: notes or a transcript (speaker tags at line starts) into sentences,
  each a span of the original text with its speaker.
- `expand_shorthand`: clinical shorthand from shorthand.json written out.
- `to_reported_speech`: a client's first-person sentence in the third person
  ("I feel anxious" -> "Client reported feeling anxious"), a clinician's sentence
  addressed to the client about the client ("your sleep" -> "the client's sleep").
- `statements`: all of it together, dropping filler and questions.

Every rewrite only reframes (pronouns, "Client reported", expansions, disfluencies);
a sentence that no rule fits is quoted word for word rather than guessed at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from .types import InputKind

Speaker = Literal["clinician", "client"]
SHORTHAND_FILE = Path(__file__).with_name("shorthand.json")


@dataclass(frozen=True)
class Segment:
    """One sentence of the input: `text == original[start:end]`.

    `speaker` is set for transcripts ("clinician" for doctor/therapist/counselor,
    "client" for patient/client, None for anyone else); `other` names anyone else
    by their tag's role ("partner", "parent") when it is one of OTHER_ROLES; `label`
    is the section the clinician's own notes put it under ("subjective" for a line
    after "S:"), if any.
    """

    start: int
    end: int
    text: str
    speaker: Speaker | None = None
    label: str | None = None
    other: str | None = None


@dataclass(frozen=True)
class Statement:
    """A sentence ready for a note, with the input segment(s) it was written from."""

    text: str
    segments: tuple[Segment, ...]
    speaker: Speaker | None = None
    label: str | None = None


# --- segmentation -------------------------------------------------------------------

_CLINICIAN_TAGS = {"doctor", "therapist", "counselor", "counsellor", "clinician", "t"}
_CLIENT_TAGS = {"patient", "client", "c"}
# Others in the room in couples and family sessions, tagged by their role.
OTHER_ROLES = frozenset(
    {"partner", "spouse", "husband", "wife", "boyfriend", "girlfriend", "guardian", "caregiver"}
    | {"teen", "teenager", "adolescent", "youth", "sibling", "brother", "sister", "grandma"}
    | {"grandpa"}
    | {
        f"{prefix}{role}"
        for prefix in ("", "step", "foster ", "grand")
        for role in ("parent", "mother", "father", "mom", "dad", "son", "daughter", "child")
    }
)
_NAMED_TAGS = "|".join(  # longest first: "grandmother" before "grand…", "mother"
    re.escape(tag).replace(r"\ ", r"\s+")
    for tag in sorted(
        OTHER_ROLES
        | {"therapist", "counsellor", "counselor", "clinician"}
        | {"client", "patient", "doctor"},
        key=len,
        reverse=True,
    )
)
_TAG = re.compile(
    r"^[ \t]*(?:\[(?P<bracket>[A-Za-z_ ]+)\]"
    rf"|(?P<named>(?i:{_NAMED_TAGS})|Dr\.?[ \t]*[A-Z][\w'-]*|T|C)[ \t]*:)[ \t]*",
    re.MULTILINE,
)

_BULLET = re.compile(
    r"[ \t]*(?:[-*\u2022\u00b7\u2023\u25aa\u25cf\u25e6]|\d{1,2}[.)]|[a-z][.)])[ \t]+"
)
# Headings in the clinician's notes and the role they give what follows. D(ata) and
# B(ehavior) take several roles, so they reset the label without naming one.
_LABELS = {
    **dict.fromkeys(("s", "subjective"), "subjective"),
    **dict.fromkeys(("o", "objective"), "objective"),
    **dict.fromkeys(("a", "assessment"), "assessment"),
    **dict.fromkeys(("p", "plan", "hw", "homework"), "plan"),
    **dict.fromkeys(("i", "int", "interv", "intervention", "interventions"), "intervention"),
    **dict.fromkeys(("r", "response"), "response"),
    **dict.fromkeys(("g", "goal", "goals"), "goals"),
    **dict.fromkeys(("d", "data", "b", "behavior", "behaviour"), ""),
}
# Labels that say what the line is, not only where it goes: kept in its text.
_SAYS_WHAT = frozenset({"hw", "homework"})
# A line the clinician marks as beside the point ("Aside: pt showed pics of new puppy",
# "Misc: recommends taco place"): left out of the note.
_ASIDE_LABELS = frozenset({"aside", "asides", "misc", "chitchat", "social", "nonclinical"})
_LABEL = re.compile(r"[ \t]*(?P<label>[A-Za-z]+)[ \t]*:[ \t]*", re.IGNORECASE)
_HEADING = re.compile(r"[ \t]*(?P<label>[A-Za-z]+)[ \t]*:?[ \t]*$")

# Never a sentence end after these (Pt. reports, Dr. Lee, e.g. sleep, vs. last week).
_ABBREVIATIONS = frozenset(
    re.findall(r"\S+", "pt pts cl dr mr mrs ms prof st jr sr vs e.g i.e approx no fig dept cf ca")
)
# A sentence end after these only before a capital letter (at 9 a.m. She ...; 2 wks. F/u).
_SOFT_ABBREVIATIONS = frozenset(
    re.findall(
        r"\S+", "etc a.m p.m appt wk wks hr hrs min mins yr yrs mo mos b.i.d t.i.d q.d exc incl"
    )
)
_END = re.compile(r"(?P<punct>[.!?]+)[\"')\]]*(?=\s|$)")


def segment(text: str) -> tuple[InputKind, list[Segment]]:
    """The input's kind and its sentences in order, as spans of `text`.

    A transcript is two or more lines starting with a speaker tag ([doctor], [patient], Partner:,
    Therapist:, Client:, Counselor:, Patient:, Dr. Lee:, T:, C:) making at least half
    of the non-empty lines; anything else is notes.
    """
    tags = list(_TAG.finditer(text))
    lines = sum(1 for line in text.splitlines() if line.strip())
    if len(tags) >= 2 and 2 * len(tags) >= lines:
        return "transcript", _transcript_segments(text, tags)
    return "notes", _note_segments(text)


def _tag_name(tag: re.Match[str]) -> str:
    """A speaker tag's name, lower case, single-spaced ("Foster  Mom" -> "foster mom")."""
    return " ".join((tag["bracket"] or tag["named"]).split()).lower()


def _speaker_of(tag: re.Match[str]) -> Speaker | None:
    name = _tag_name(tag)
    if name in _CLINICIAN_TAGS or name.startswith("dr"):
        return "clinician"
    return "client" if name in _CLIENT_TAGS else None


def _transcript_segments(text: str, tags: list[re.Match[str]]) -> list[Segment]:
    """Sentences of each utterance with its speaker; lines before the first tag are
    kept, without a speaker."""
    segments = [Segment(s, e, text[s:e]) for s, e in split_sentences(text, 0, tags[0].start())]
    for tag, following in zip(tags, [*tags[1:], None], strict=True):
        end = following.start() if following else len(text)
        speaker = _speaker_of(tag)
        other = name if (name := _tag_name(tag)) in OTHER_ROLES else None
        for start, stop in split_sentences(text, tag.end(), end):
            segments.append(Segment(start, stop, text[start:stop], speaker, other=other))
    return segments


def _note_segments(text: str) -> list[Segment]:
    """Sentences of free notes; "S:"/"Plan:" headings label what follows them; a line
    marked "Aside:" or "Misc:" is left out."""
    segments: list[Segment] = []
    label: str | None = None
    for start, end in _blocks(text, 0, len(text)):
        heading = _HEADING.fullmatch(text, start, end)
        if heading and heading["label"].lower() in _LABELS:
            label = _LABELS[heading["label"].lower()] or None
            continue
        first = _LABEL.match(text, start, end)
        if first and first["label"].lower() in _ASIDE_LABELS:
            continue
        for s, e in _sentences(text, start, end):
            inline = _LABEL.match(text, s, e)
            if inline and inline["label"].lower() in _LABELS:
                label = _LABELS[inline["label"].lower()] or None
                if inline["label"].lower() not in _SAYS_WHAT:
                    s = inline.end()  # "HW: worry log daily" keeps its "HW:" (Homework: …)
            if s < e:
                segments.append(Segment(s, e, text[s:e], None, label))
    return segments


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans [s, e) of text[start:end], offsets into `text`, stripped of space
    and bullet markers. Lines break sentences unless the next line continues in lower case;
    abbreviations (Pt., Dr., e.g.), decimals (2.5) and shorthand (f/u) do not."""
    end = len(text) if end is None else end
    return [span for block in _blocks(text, start, end) for span in _sentences(text, *block)]


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Runs of lines that belong together, bullet markers cut off."""
    blocks: list[list[int]] = []
    position = start
    for line in text[start:end].splitlines(keepends=True):
        line_start, position = position, position + len(line)
        body = line.rstrip("\r\n")
        bullet = _BULLET.match(body)
        if not body.strip():
            continue
        if blocks and not bullet and _continues(text[blocks[-1][0] : blocks[-1][1]], body):
            blocks[-1][1] = line_start + len(body)
        else:
            blocks.append([line_start + (bullet.end() if bullet else 0), line_start + len(body)])
    return [(s, e) for s, e in blocks]


def _continues(previous: str, line: str) -> bool:
    """Does `line` go on with the sentence `previous` left open: it starts in lower case,
    and `previous` ends without a full stop on a word that cannot end a sentence ("and",
    "with", a comma) or is a long wrapped line? A shorthand note's short lines ("pt c/o 3
    PAs this wk", "aside: …", "plan: cont CBT") are lines of their own."""
    stripped = line.lstrip()
    before = previous.rstrip()
    if not stripped[:1].islower() or before.endswith((".", "!", "?", ":")):
        return False
    if _LABEL.match(stripped):
        return False
    last_line = before.splitlines()[-1] if before else ""
    wrapped = len(last_line) >= _WRAPPED and before[-1:].isalpha()
    return bool(_OPEN_END.search(before)) or wrapped


_WRAPPED = 70  # characters: a line this long that stops mid-sentence was wrapped
_OPEN_END = re.compile(
    r"(?:[,;(\u2014-]|\b(?:and|or|but|with|without|of|to|the|a|an|in|on|for|at|from|by|"
    r"about|as|than|that|who|which|because|if|when|while|after|before|so|then|is|are|was|"
    r"were|be|been|has|have|had|not|no|very|into|over|under))$",
    re.IGNORECASE,
)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, begin = [], start
    for match in _END.finditer(text, start, end):
        if _is_boundary(text, match, end):
            spans.append((begin, match.end()))
            begin = match.end()
    spans.append((begin, end))
    return [_strip(text, s, e) for s, e in spans if re.search(r"\w", text[s:e])]


def _is_boundary(text: str, match: re.Match[str], end: int) -> bool:
    punct = match["punct"]
    if "?" in punct or "!" in punct:
        return True
    if len(punct) > 1:  # "..." is a pause in speech, not an end
        return False
    before = text[max(0, match.start() - 24) : match.start()]
    word = re.search(r"(\S*)$", before)[1].lstrip("([{\"'").lower()
    following = text[match.end() : end].lstrip()[:1]
    if word in _ABBREVIATIONS:
        return False
    if word in _SOFT_ABBREVIATIONS:
        return following.isupper()
    return True


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- tidying speech -----------------------------------------------------------------

_FILLER = re.compile(
    r"(?:(?:ok(?:ay)?|all right|alright|mm-?hmm|mhm|hmm+|uh-huh|uh|um+|yeah|yep|yup|yes|no|"
    r"nope|right|sure|thank you(?: so much| very much)?(?: for (?:sharing|coming(?: in)?|"
    r"telling me|being here|that|this)(?: that| this| today)?)?|thanks|great|good|nice|"
    r"perfect|cool|oh|wow|hi|hey|hello|bye|goodbye|got it|i see|that's (?:great|good|fine)|"
    r"no problem|no worries|you're welcome|take care|"
    r"sounds good|excellent|awesome|wonderful|so|well|and|now|fine|that makes sense|"
    r"i hear you|i understand|i'm sorry to hear that|(?:that|it) (?:sounds|must be|must have "
    r"been|seems) (?:really |so |very |pretty )?\w+)[\s,.!]*)+",
    re.IGNORECASE,
)
_DISFLUENCY = re.compile(r"\b(?:uh|um+|uhm|erm)\b[,]?\s*", re.IGNORECASE)
_LEADING = re.compile(
    r"^(?:(?:so|well|and|okay|ok|yeah|oh|like|now|you know|i mean|all right|alright)\b[,]?\s+)+",
    re.IGNORECASE,
)


def is_filler(sentence: str) -> bool:
    """True for a sentence of acknowledgements only ("okay", "mm-hmm", "thank you")."""
    return bool(_FILLER.fullmatch(sentence.strip()))


def is_question(sentence: str) -> bool:
    return sentence.rstrip().rstrip("\"')").endswith("?")


# A client's report of a symptom in the domains of the PHQ-9 items (Kroenke, Spitzer &
# Williams 2001: interest, mood, sleep, energy, appetite, self-worth, concentration,
# psychomotor change), the GAD-7 items (Spitzer et al. 2006: nervousness, worry, restlessness,
# irritability, dread), PTSD re-experiencing (DSM-5: nightmares, flashbacks) and substance
# use: the symptom review a progress note documents whatever the model scores.
SYMPTOM = re.compile(
    r"\b(?:sleep\w*|slept|insomnia|(?<!\ba )nightmares?|flashbacks?|appetite|eating|energy|"
    r"tired\w*|fatigue\w*|exhausted|interest|enjoy\w*|mood|depress\w*|sad(?:ness)?|hopeless\w*|"
    r"intrusive (?:thoughts?|images?|memor\w+)|"
    r"worthless\w*|guilt\w*|concentrat\w*|focus\w*|restless\w*|irritab\w*|on edge|"
    r"nervous\w*|anxi\w*|worr\w*|panic\w*|afraid|crav\w*|urges?|drinking|drinks|"
    r"vap(?:e|es|ed|ing)|smok(?:e|es|ed|ing))\b",
    re.IGNORECASE,
)

# A number said as digits or words: said twice it is a number ("nine eight eight", "twenty
# twenty", "9-8-8"), not a stutter.
_NUMERAL = (
    r"(?:\d+|zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"\w+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
)
# A word said again ("doing doing", "it, it"); not "thirty, thirty-five", a number, nor
# English's own "that that" and "had had".
_REPEATED = re.compile(r"\b([\w']+)(?:,? \1\b(?!-))+", re.IGNORECASE)
# A stutter joined by a hyphen ("they-they"), not a number ("nine-eight-eight").
_HYPHEN_STUTTER = re.compile(r"\b([\w']+)-\1\b", re.IGNORECASE)
_KEPT_TWICE = re.compile(r"(?:that|had|" + _NUMERAL + r")", re.IGNORECASE)


def _once(match: re.Match[str]) -> str:
    """A word said twice, once; a number or English's own "that that" as said. (A
    function rather than a lookahead in the pattern: the lookahead ran at every word.)"""
    return match[0] if _KEPT_TWICE.fullmatch(match[1]) else match[1]


def _finished(text: str) -> str:
    """Spaces before punctuation and doubled spaces gone, a comma before the end dropped,
    a final period added."""
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,")
    return terminated(re.sub(r",([.!?])$", r"\1", text))


@lru_cache(maxsize=8192)
def tidy(sentence: str) -> str:
    """Transcript text as written prose: ACI-Bench spacing ("do n't", " ,") joined,
    "uh"/"um", stutters ("i feel , i feel") and stage directions ("(laughs)") removed,
    leading "so"/"well" dropped,
    "i" capitalised, a final period added. The first letter keeps its case (see
    `capitalised`). Words that carry meaning are kept."""
    text = re.sub(r"\s+", " ", sentence.replace("\u2019", "'")).strip()
    text = STAGE_DIRECTION.sub(" ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"(\w) (n't)\b", r"\1\2", text)
    text = re.sub(r"\b(wan|gon) na\b", r"\1na", text, flags=re.IGNORECASE)
    text = _DISFLUENCY.sub("", text)
    # words cut off and said again: "She'd- she'd", "I can't- I can't"
    text = re.sub(
        r"(?<![\w'-])((?:[\w']+ ){0,2}[\w']+)-,?\s+\1\b", r"\1", text, flags=re.IGNORECASE
    )
    text = re.sub(
        r"(?<![\w'-])[A-Za-z]{1,6}-,?\s+(?=[A-Za-z])", "", text
    )  # false starts: "ex- exerting"; not the end of "She'd- she'd"
    text = _REPEATED.sub(_once, text)
    text = re.sub(r"\b((?:[\w']+ ){0,2}[\w']+), \1\b(?!-)", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"(?:,\s*)?\byou know\b(?:,\s*|(?=[.!?]$))", " ", text, flags=re.IGNORECASE)
    text = _LEADING.sub("", text.strip(" ,"))
    text = re.sub(r"(?<![\w.'])i(?!\w|\.\w)", "I", text)
    return _finished(text)


# What a clinician's own shorthand marks as outside the session's business: "(aside:
# pt's car in shop again, chatted abt her nephew's Lego castle)", "Small talk: …".
LABELED_ASIDE = re.compile(
    r"^\(?\s*(?:aside|small[- ]talk|chit[- ]?chat|social chat|off[- ]topic)\s*[:\-–—]",
    re.IGNORECASE,
)
# A transcriber's stage direction: "(laughs)", "(long pause)", "[sighs]", "[laughs a
# little]": a few lower-case words in parentheses or brackets, not what anyone said.
STAGE_DIRECTION = re.compile(r"\s*(?:\((?:[a-z]+[ ,]*){1,4}\)|\[(?:[a-z]+[ ,]*){1,4}\])")
# An ellipsis, and the false start before it when the clause starts again with the same
# word(s): "they feel kinda... they feel lightheaded".
_RESTART = re.compile(r"\b(\w+(?: \w+)?)\b[^,;.…]*?(?:\.{3}|…)\s*(?=\1\b)", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)\s*")
_CUT = re.compile(r"\b([\w']+)-(?=[\s.,;:!?]|$)")
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        "a an the to of on in at by for with from and or but so that which who if as "
        "is are was were be could would should can will make makes their his her its",
    )
)
_TRAILING = re.compile(
    r"(?:,?\s+(?:" + "|".join(sorted(_FUNCTION_WORDS)) + r"))+\s*([.!?])$", re.IGNORECASE
)
_INTERJECTION = re.compile(
    r"^((?:Client|Patient) (?:reports|denies|endorses)(?: that)?) (?:yeah|yes|okay|ok|well|"
    r"oh|so|like),? ",
    re.IGNORECASE,
)


# A sentence that opens an aside: "Sorry, that's my phone", "Oh — sorry.", "By the way, …",
# the clinician's "Sorry — is that your phone?".
ASIDE_OPENER = re.compile(
    r"^(?:(?:oh|um|uh|ah|huh|wait)\W+)*(?:sorry|by the way|btw|random(?:ly)?|speaking of|"
    r"side note|unrelated|totally unrelated|oh,? (?:and|also|by the way|before I forget))\b"
    r"|\b(?:that'?s my|is that your) phone\b",
    re.IGNORECASE,
)

# A pronoun left capitalised after the reporting frame, where an ellipsis stood.
_PRONOUN_AFTER_FRAME = re.compile(
    r"^(\w+ (?:reports|denies|endorses)(?: that)? )(She|He|It|They|There|That|This)\b"
)
# The opening or closing mark of a quotation whose other half is in another sentence.
_STRAY_QUOTE = re.compile(r'^((?:\w+ ){0,4}?(?:that )?)"|"(?:(?<=[.!?]")[.!?]*)?\s*$')


def polish(sentence: str) -> str:
    """What `tidy` leaves of speech once a proposition is written: ellipses and the
    false starts before them ("they feel kinda... they feel lightheaded" -> "they feel
    lightheaded"), words cut off mid-way ("some distention to-." -> "some distention.";
    a content word keeps its letters: "doing well-." -> "doing well."), the function
    words a speaker trailed off on ("if it gets worse or..." -> "if it gets worse."), stutters
    ("they-they", "it it"), a quotation mark left from a quote split across sentences,
    and "yeah"/"okay" after the reporting frame. Words that
    carry meaning, numbers and negations are kept."""
    trailed_off = re.search(r"(?:-|\.{3}|…)\s*[.!?]?\s*$", sentence) is not None
    # (_RESTART looks back from every word for an ellipsis: only where there is one.)
    text = _RESTART.sub("", sentence) if "..." in sentence or "…" in sentence else sentence
    text = _ELLIPSIS.sub(" ", text)
    text = _PRONOUN_AFTER_FRAME.sub(lambda m: m[1] + m[2].lower(), text)  # "that ...She's"
    text = _HYPHEN_STUTTER.sub(_once, text)
    text = _CUT.sub(lambda m: "" if m[1].lower() in _FUNCTION_WORDS else m[1], text)
    text = _REPEATED.sub(_once, text)
    if text.count('"') % 2:  # a quotation split across sentences: its stray mark
        text = _STRAY_QUOTE.sub(r"\1", text, count=1)
    text = _finished(_INTERJECTION.sub(r"\1 ", text.strip()))
    return _TRAILING.sub(r"\1", text) if trailed_off else text


# Words that carry no content of their own in an overlap of two sentences.
_CONTENT_STOP = frozenset(
    re.findall(
        r"\S+",
        "a an the and or but of to in on at for by with from as is are was were be been it its "
        "they them their that this so just really very kind sort like about reports client "
        "clinician there what some any have has had do does did get got go going",
    )
)


def content_stems(text: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    """Content words of `text` by their first five letters, and its numbers as digits
    written: words of three letters or more, not function words nor those in `ignore`
    (lower case). For word overlaps: salience labels, a clinician's echo of the client."""
    words = re.findall(r"[a-z][a-z']+|\d+", text.lower())
    stop = _CONTENT_STOP | ignore
    return {w[:5] for w in words if w.isdigit() or (len(w) > 2 and w not in stop)}


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def terminated(sentence: str) -> str:
    """`sentence` ending in . ! ? (a period added when it has none)."""
    return sentence if not sentence or sentence[-1] in ".!?\"')" else sentence + "."


# --- shorthand ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    short: str
    long: str
    acronym: bool
    not_after: frozenset[str]


@cache
def _shorthand() -> tuple[dict[str, _Term], re.Pattern[str]]:
    data = json.loads(SHORTHAND_FILE.read_text(encoding="utf-8"))["terms"]
    terms = {
        short: _Term(short, t["long"], t.get("acronym", False), frozenset(t.get("not_after", ())))
        for t in data
        for short in t["short"]
    }
    ordered = sorted(terms, key=len, reverse=True)
    # Whole words: no letter, digit, "/" or "-" on either side ("GAD-7" is not GAD).
    words = "|".join(re.escape(s) for s in ordered)
    return terms, re.compile(rf"(?<![\w/-])(?:{words})(?![\w/-]|'s\b|\.\w)")


# "w/pt" is "w/ pt": a space after these lets both be expanded.
_RUN_ON = re.compile(r"(?<![\w/-])([wW]/)(?=[A-Za-z])(?!o\b)")


def expand_shorthand(sentence: str, seen: set[str] | None = None) -> str:
    """`sentence` with clinical shorthand written out (table: shorthand.json).

    Matches are whole words in the exact case listed ("SI" but not "hi"). Acronyms
    (CBT, DBT, MI, EMDR, BA) become "cognitive behavioral therapy (CBT)" the first time:
    pass one `seen` set for a whole note to expand each only once. An expansion at
    the start of the sentence is capitalised ("Pt. reports" -> "Client reports").
    """
    terms, pattern = _shorthand()
    seen = set() if seen is None else seen
    sentence = _RUN_ON.sub(r"\1 ", sentence)
    return pattern.sub(lambda match: _expansion(terms[match[0]], match, seen), sentence)


def _expansion(term: _Term, match: re.Match[str], seen: set[str]) -> str:
    before, after = match.string[: match.start()], match.string[match.end() :]
    words_before = re.findall(r"\w+", before)
    if words_before and words_before[-1].lower() in term.not_after:
        return match[0]
    if term.acronym and (term.short in seen or before.endswith("(")):
        return match[0]
    text = term.long
    if term.acronym:
        seen.add(term.short)
        text = f"{term.long} ({term.short})"
    if not re.search(r"\w", before):
        text = text[:1].upper() + text[1:]
    if term.short.endswith(".") and not after.strip(" \"')"):
        text += "."  # "pt." ended the sentence too
    return text


# --- reported speech ----------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ADVERBS = (
    r"(?:(?:just|really|still|also|so|very|kind of|kinda|sometimes|often|always|usually|"
    r"mostly|a little|a bit|pretty|definitely|actually)\s+)*"
)
_NOT_A_STATE = (
    r"(?!not\b|never\b|going\b|gonna\b|sure\b|to\b|in\b|at\b|there\b|here\b|through\b|"
    r"with\b)"
)
_CLIENT_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (rf"^I(?:'ve| have) been ({_ADVERBS})(\w+ing)\b", r"Client reported \1\2"),
        (rf"^I(?:'m| am) ({_ADVERBS})(?!going to\b)(\w+ing)\b", r"Client reported \1\2"),
        (rf"^I ({_ADVERBS})(?:feel|felt)\b", r"Client reported \1feeling"),
        (rf"^I(?:'ve| have) been ({_ADVERBS}){_NOT_A_STATE}", r"Client reported being \1"),
        (rf"^I(?:'m| am) ({_ADVERBS}){_NOT_A_STATE}", r"Client reported being \1"),
        (r"^I(?:'ve| have) (?:had|got) ", r"Client reported having "),
        (r"^I have (?!to\b|not\b|been\b|had\b|got\b)", r"Client reported having "),
    )
)
# "I" the pronoun, not the numeral of "bipolar I disorder" or "type I diabetes".
_ROMAN_I = r"(?<!type )(?<!bipolar )(?<!stage )(?<!grade )(?<!class )(?<!phase )\bI\b"
_FIRST_PERSON = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bI'm\b", "they are"),
        (r"\bI am\b", "they are"),
        (r"\bI was\b", "they were"),
        (r"\bI wasn't\b", "they weren't"),
        (r"\bI've\b", "they have"),
        (r"\bI'll\b", "they will"),
        (r"\bI'd\b", "they'd"),
        (_ROMAN_I, "they"),
        (r"\b[Mm]e\b", "them"),
        (r"\b[Mm]y\b", "their"),
        (r"\b[Mm]ine\b", "theirs"),
        (r"\b[Mm]yself\b", "themselves"),
    )
)
_OTHERS = re.compile(r"\b(?:we|us|our|ours|ourselves|you|your|yours|yourself)\b", re.IGNORECASE)
# Sentence-initial words that are not names, so "Client reported that ..." may lower them.
COMMON_START = _words(
    "it it's its the a an this that these those there there's my he she his her they their "
    "when since after before last yesterday today tonight everything nothing something "
    "things not no because if but then now lately recently every some most all sleep work "
    "school home mornings nights sometimes honestly usually often always never mostly "
    "probably maybe actually really just still also even only again yes yeah no nothing "
    "one two three four five six seven eight nine ten a few several"
)


def to_reported_speech(sentence: str, speaker: Speaker | None) -> str:
    """`sentence` as a note would write it for who said it.

    - client: third-person reported speech with they/them/their ("I've been sleeping
      badly" -> "Client reported sleeping badly"; "My sister called me" -> "Client
      reported that their sister called them"). A sentence that also speaks of "we" or
      "you", or asks something, is quoted ('Client stated, "..."'): rewriting it could
      change who did what.
    - clinician: the note's author, so "I"/"we" stay; "you"/"your" become the client
      ("your sleep" -> "the client's sleep"); a few set phrases become actions
      ("Let's practice a breathing exercise" -> "Clinician guided a breathing exercise").
    - None (the clinician's own notes, other speakers): unchanged.
    Expects a tidied sentence (see `tidy`).
    """
    if speaker == "client":
        return _client_speech(sentence)
    if speaker == "clinician":
        return _clinician_speech(sentence)
    return sentence


def _client_speech(sentence: str) -> str:
    body = re.sub(r"^(?:yes|yeah|no|nope)\b,?\s+(?=\w+\s+\w+\s+\w)", "", sentence, flags=re.I)
    if _OTHERS.search(body) or is_question(body):
        return f'Client stated, "{capitalised(sentence)}"'
    for pattern, replacement in _CLIENT_RULES:
        if pattern.search(body):
            return _third_person(pattern.sub(replacement, body, count=1))
    first = body.split(" ", 1)[0].lower().strip(",")
    if first in COMMON_START:
        body = body[:1].lower() + body[1:]
    return "Client reported that " + _third_person(body)


def _third_person(text: str) -> str:
    for pattern, replacement in _FIRST_PERSON:
        text = pattern.sub(replacement, text)
    return text


_TECHNIQUE = (
    r"(?:exercise|technique|skill|breathing|grounding|relaxation|meditation|mindfulness|"
    r"role[- ]?play|imagery|body scan|muscle)"
)
_PAST = {
    "recommend": "recommended",
    "suggest": "suggested",
    "encourage": "encouraged",
    "advise": "advised",
}
_CLINICIAN_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (
            rf"^let's (?:go ahead and |try and |try to )?(?:practice|try|do|work on) "
            rf"(?=.*{_TECHNIQUE})",
            "Clinician guided ",
        ),
        (r"^let's (?:talk about|discuss) ", "Clinician discussed "),
        (r"^let's (?:review|go over|look at|look over) ", "Clinician reviewed "),
        (r"^I(?:'d| would) like (?:for )?you to ", "Clinician asked the client to "),
        (r"^I want you to ", "Clinician asked the client to "),
        (r"^I (recommend|suggest|encourage|advise) (?:that )?", "Clinician {} "),
    )
)
_YOU_FORMS = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\byou(?:'re| are)\b", "the client is"),
        (r"\byou were\b", "the client was"),
        (r"\byou(?:'ve| have)\b", "the client has"),
        (r"\byou don't\b", "the client doesn't"),
        (r"\byou do\b", "the client does"),
        (r"\byou'll\b", "the client will"),
        (r"\byou weren't\b", "the client wasn't"),
        (r"\byou aren't\b", "the client isn't"),
        (r"\byou haven't\b", "the client hasn't"),
        (r"\byourself\b", "themselves"),
        (r"\byours\b", "the client's"),
        (r"\byour\b", "the client's"),
        (r"\byou\b", "the client"),
    )
)
# Verbs common in sessions that take -s after "the client" ("you sleep" -> "the client sleeps").
_VERBS = _words(
    "feel sleep take need want think notice try go get keep use practice start continue see "
    "know like eat drink work find say seem look wake come call remember forget struggle "
    "worry experience drive walk exercise skip miss avoid enjoy spend hear mention describe "
    "report tend plan hope wish agree"
)


def _clinician_speech(sentence: str) -> str:
    for pattern, replacement in _CLINICIAN_RULES:
        match = pattern.search(sentence)
        if match:
            verb = _PAST.get((match.groups() or ("",))[0].lower(), "")
            return _second_person(replacement.format(verb) + sentence[match.end() :])
    return _second_person(sentence)


def _second_person(text: str) -> str:
    """ "you"/"your" -> the client, with the verb agreeing for the forms listed."""
    text = re.sub(
        r"(^|[,;] |\b(?:and|but|if|when|that|because|so|until|while) )you "
        r"((?:just |really |also |still |never |always |usually |often )*)([a-z]+)\b(?!')",
        _agree,
        text,
        flags=re.IGNORECASE,
    )
    for pattern, replacement in _YOU_FORMS:
        text = pattern.sub(replacement, text)
    return text[:1].upper() + text[1:]


def _agree(match: re.Match[str]) -> str:
    verb = match[3]
    if verb.lower() in _VERBS:
        verb += "es" if re.search(r"(?:s|sh|ch|x|z|o)$", verb) else "s"
        verb = re.sub(r"([^aeiou])ys$", r"\1ies", verb)
    return f"{match[1]}you {match[2]}{verb}"


_FRAME = re.compile(
    r"^(?:(?:the )?(?:client|patient|pt\.?)\s+(?:reported|reports|stated|states|said|says|"
    r"described|describes|noted|notes|shared|mentioned)\b|reports\b(?=.*\s\S))"
    r",?\s*(?:that\s+)?",
    re.IGNORECASE,
)


def without_frame(sentence: str) -> str:
    """The sentence without its reporting frame ("Client reported that ..."), which every
    client sentence shares and which makes any two of them look alike to an embedding."""
    return _FRAME.sub("", sentence.strip()) or sentence


# --- all together -------------------------------------------------------------------

_TAG_QUESTION = re.compile(
    r"(?:\b(?:okay|ok|right|alright|all right|yeah|sound good|sounds good|good)\?|"
    r"^how are you(?: doing)?(?: today)?\?)$",
    re.IGNORECASE,
)
_SHORT_ANSWER = re.compile(
    r"(?:yes|yeah|yep|no|nope|mm-?hmm|uh-huh|not really|not at all|never|sometimes|"
    r"a little|maybe|i think so|i don't think so|i don't know|i guess|kind of|sort of)"
    r"(?:,?\s*(?:i|it|they|he|she) (?:am|do|did|have|had|was|can|will|don't|didn't|haven't|"
    r"can't|won't|wasn't|is|isn't)(?: not)?)?[.!]?"
    r"|i (?:am|do|did|have|was|don't|didn't|haven't)(?: not)?[.!]?",
    re.IGNORECASE,
)
_SELF = frozenset({"i", "i'm", "i've", "i'll", "i'd", "my", "me"})


def statements(text: str) -> tuple[InputKind, list[Statement]]:
    """The input's kind and its sentences rewritten for a note, in input order.

    Transcripts: each utterance tidied, shorthand expanded, turned into reported
    speech. Filler ("okay", "mm-hmm") and questions are dropped: a question holds no
    finding, its answer does. A short answer ("no", "not really", "yes, I am") keeps the
    clinician's question as its context: 'When asked, "Any thoughts of hurting
    yourself?", client answered, "No."'. Notes: shorthand expanded, otherwise as written.
    """
    kind, segments = segment(text)
    seen: set[str] = set()
    if kind == "notes":
        return kind, [
            Statement(terminated(expand_shorthand(_one_line(s.text), seen)), (s,), None, s.label)
            for s in segments
        ]
    return kind, _transcript_statements(segments, seen)


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)


# A clinician's request or suggestion, to which a short reply is the client's response.
_DIRECTIVE = re.compile(
    r"^(?:let's|let us|I(?:'d| would) like (?:for )?you to|I want you to|try to|"
    r"(?:I|we) (?:recommend|suggest|encourage)|Clinician (?:asked|guided|recommended|suggested|"
    r"encouraged))\b",
    re.IGNORECASE,
)


def _transcript_statements(segments: list[Segment], seen: set[str]) -> list[Statement]:
    """Statements of a transcript. The clinician's last sentence before the client speaks
    (`prompt`: a question or a request) is the context of a short reply."""
    result: list[Statement] = []
    prompt: Segment | None = None
    previous: Segment | None = None
    spoken = False  # a clinician or client has spoken: untagged lines are no longer a header
    for current in segments:
        sentence = expand_shorthand(tidy(current.text), seen)
        turn = previous is not None and previous.speaker == "clinician"
        reply_to = prompt if turn and current.speaker == "client" else None
        previous, spoken = current, spoken or current.speaker is not None
        if current.speaker == "clinician":
            prompt = current if _is_prompt(sentence) else None
            if is_question(sentence):
                continue
        elif current.speaker == "client":
            prompt = None
        result.extend(_statement(current, sentence, reply_to, preamble=not spoken))
    return result


def _is_prompt(sentence: str) -> bool:
    if is_question(sentence):
        return not _TAG_QUESTION.search(sentence)
    return bool(_DIRECTIVE.search(sentence))


def _statement(
    current: Segment, sentence: str, reply_to: Segment | None, preamble: bool = False
) -> list[Statement]:
    """The statement(s) one transcript sentence gives: none for filler and questions; a
    short reply keeps what it replied to; lines before the first speaker tag (a header)
    are kept as written."""
    if reply_to is not None and (reply := _reply(current, sentence, reply_to)):
        return [reply]
    if is_filler(sentence) or is_question(sentence) or not re.search(r"\w", sentence):
        return []
    if current.speaker is None:
        said = sentence if preamble else f'Another participant stated, "{capitalised(sentence)}"'
        return [Statement(capitalised(said), (current,))]
    text = capitalised(to_reported_speech(sentence, current.speaker))
    return [Statement(text, (current,), current.speaker)]


def _reply(current: Segment, sentence: str, prompt: Segment) -> Statement | None:
    """'When asked, "<question>", client answered, "No."' for a short answer;
    'Client responded, "I can do that."' for a short reply to a request."""
    asked = capitalised(expand_shorthand(tidy(prompt.text)))
    said = capitalised(sentence)
    if is_question(asked) and _is_short_answer(sentence):
        text = f'When asked, "{asked}", client answered, "{said}"'
    elif not is_question(asked) and 0 < len(re.findall(r"[\w'-]+", sentence)) <= 5:
        text = f'Client responded, "{said}"'
    else:
        return None
    return Statement(text, (prompt, current), current.speaker)


def _is_short_answer(sentence: str) -> bool:
    words = re.findall(r"[\w'-]+", sentence)
    if _SHORT_ANSWER.fullmatch(sentence) or is_filler(sentence):
        return True
    return 0 < len(words) <= 3 and words[0].lower() not in _SELF
