"""What belongs in a note: a learned salience score for each transcript proposition.

Logistic regression over the proposition's sentence vector (static all-MiniLM-L6-v2,
`copilot.drafting.vectors`; its text
without the "Reports that" frame) plus features: speaker, how the proposition was
made (`Proposition.kind`), position in the transcript, length, numbers and negation.
Trained by `manage.py train_salience` on transcript propositions labeled by whether a
sentence of the reference note written from that transcript restates them (ACI-Bench
train, Yim et al., Scientific Data 2023; MTS-Dialog, Ben Abacha et al., EACL 2023; both
CC BY 4.0; and the project's 166 therapy sessions with their notes, among them the
held-out sets already read); the weights and the decision threshold ship in
data/salience.npz.

Risk statements (kind "risk") are kept whatever their score: safety is not
compressible.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from . import risk
from .classifier import TECHNIQUE
from .propositions import MEASURE, MONTH, WEEKDAY, Proposition, own_risk
from .text import ASIDE_OPENER, STAGE_DIRECTION, SYMPTOM, content_stems, without_frame

MODEL_FILE = Path(__file__).parent / "data" / "salience.npz"
KINDS = ("answer", "client", "clinician", "plan", "intervention", "risk", "other")
SPEAKERS = ("client", "clinician", None)
ALWAYS_KEPT = frozenset({"risk", "plan", "intervention"})
# What a therapy note documents and ACI-Bench and MTS-Dialog (general medicine) do not
# teach the model to keep: the client's response to an intervention, a rating on a scale
# (readiness ruler, SUDS, belief in a thought), the review of homework, and safety
# planning.
_RESPONSE = re.compile(
    r"\b(?:helped|helpful|was able to|were able to|agreed|willing to|will try|"
    r"can do that|worked for them|felt (?:calmer|better|lighter|relieved)|"
    r"will (?:think about|consider) it)\b",
    re.IGNORECASE,
)
_RATING = re.compile(r"^(?:Client|Patient) rates\b|\bSUDS\b")
_HOMEWORK = re.compile(
    r"\b(?:homework|thought records?|diary cards?|worry log|sleep (?:log|diary)|worksheet|"
    r"activity schedule|exposure (?:log|practice))\b",
    re.IGNORECASE,
)
# Care coordinated with another provider: "I'd like her pediatrician or the school nurse
# to check the deeper one", "refer you to a psychiatrist".
_COORDINATION = re.compile(
    r"\b(?:refer(?:ral|red|ring)?\b.{0,40}\b|(?:pediatrician|psychiatrist|prescriber|primary care|"
    r"GP|school nurse|dietitian|family doctor)\b.{0,40}\b(?:to )?(?:check|look at|take a look|see|"
    r"evaluate|assess|review)\b"
    # word from another provider: "a note from Dr. Lin's office", "a call from her prescriber"
    r"|\b(?:note|letter|call|message|report|records?|fax)\s+from\s+(?:Dr\.?\s+\w+|(?:her|his|"
    r"their|the)\s+(?:psychiatrist|prescriber|pediatrician|doctor|PCP|GP|nurse|probation officer|"
    r"caseworker|school))\b)",
    re.IGNORECASE,
)
# Motivational interviewing: change talk and the readiness follow-up ("Why a six and not
# a three?").
_CHANGE_TALK = re.compile(
    r"\bwhy an? \w+ and not\b|\b(?:want|wants|need|needs) to (?:be around|stop|quit|cut back|"
    r"change|get better)\b|\bdon't want to end up\b",
    re.IGNORECASE,
)
_SAFETY = re.compile(
    r"\b(?:988|911|crisis (?:line|text line|lifeline)|hotline|safety plan\w*|emergency room|"
    r"means restriction|higher level of care|intensive outpatient|IOP|hospital\w*|"
    r"warning signs|reasons? for living|protective factors?|kept (?:client|them) going|"
    # lethal means, whoever names them, and an agreement about safety
    r"(?<!nerf )(?<!glue )(?<!water )(?<!nail )(?:guns?|pistol|rifles?|shotgun|handgun|firearms?)|"
    r"(?:no-?violence|non-?violence|safety|no-?harm) (?:agreement|contract))\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
)
# A rating the client gives in their own words: "Average, I'd say a six.", "I'd put it at
# seventy."
_SELF_RATED = re.compile(
    r"\b(?:would|'d) (?:say|rate it|put it at|call it|give it)\s+(?:an?\s+|at\s+)?"
    r"(?:\d+|(?:" + _NUMBER_WORDS + r"))\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d|\b(?:" + _NUMBER_WORDS + r")\b", re.I)
# A count or measure with its unit ("twenty-eight beers over the week", "sleep efficiency
# about sixty-five percent", "5 hours"): what a note records as a figure.
_QUANTITY = re.compile(
    r"(?:\d+(?:\.\d+)?|\b(?:" + _NUMBER_WORDS + r"))(?:[- ]\w+)?"
    r"(?: ?%| (?:percent|hours?|minutes?|days?|nights?|weeks?|months?|times?|drinks?|beers?|"
    r"glasses|cigarettes?|pills?|mg|milligrams?|dollars?|pounds?|sessions?|panic attacks?)\b)",
    re.IGNORECASE,
)
# Therapy techniques (classifier.TECHNIQUE) and measures a therapist's statement may
# name, and findings about the client's presentation.
_TECHNIQUE_WORDS = re.compile(
    rf"\b(?:{TECHNIQUE}|behavio\w*|trigger\w*|avoidance|PHQ-?9|GAD-?7|PCL-?5|EPDS|AUDIT|"
    r"score\w*|diagnos\w*|medication\w*|dose|affect|appears?|presents?|tearful|progress\w*|"
    r"(?-i:ERP|CPT|PE))\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|\w+'ll|going to|gonna|starting|next)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:denies|not|no|never|none|without)\b", re.I)
N_FEATURES = 16


def features(props: Sequence[Proposition], vectors: np.ndarray) -> np.ndarray:
    """(n, d + N_FEATURES) float32, d = vectors.DIMENSIONS: each proposition's vector,
    then its features."""
    rows = []
    for p in props:
        words = len(p.text.split())
        content = content_stems(p.text)
        speaker, kind = ("client", "client") if _participant(p) else (p.speaker, p.kind)
        rows.append(
            [float(speaker == s) for s in SPEAKERS]
            + [float(kind == k) for k in KINDS]
            + [
                p.position,
                p.position**2,
                math.log1p(words),
                float(bool(_NUMBER.search(p.text))),
                float(bool(_NEGATION.search(p.text))),
                len(content) / max(words, 1),
            ]
        )
    extra = np.asarray(rows, dtype=np.float32).reshape(len(props), N_FEATURES)
    return np.hstack([np.asarray(vectors, dtype=np.float32).reshape(len(props), -1), extra])


# The clinician's first move to the session's business ("Okay, let's check in", "Did
# you bring the sleep diary?", "On the phone you said …", "How many days of school did
# you miss this month?"): what comes before it is the greeting and small talk of the
# first minutes (the weather, a pet, a game), which a note leaves out. A measure
# ("You filled out the questionnaire?", "The PHQ-9. You scored a 14") is business.
SESSION_START = re.compile(
    r"\b(?:check[- ]?in|get started|let'?s (?:start|begin|dive in|jump in|look at|talk about|"
    r"get into|go over|try|practice|work on|move on|get back|pick up|come back)|"
    r"last (?:time|week|session)|this (?:past )?(?:week|month)|"
    r"how many (?:days|times|nights|hours|drinks|attacks|sessions)|since (?:we|last|i saw)|"
    r"homework|diary|\blog\b|chart|worksheet|exposures?|on the phone|bring (?:your|the) \w+|"
    r"questionnaire|phq-?9|gad-?7|pcl-?5|audit|scored?|scores|rating scale|"
    r"how(?:'s| is| has| have| did| was| were|'ve)? (?:the|your|things|you been)(?: \w+)?"
    r"(?: been)? ?(?:week|pain|mood|sleep|homework|exposures?|practice|anxiety|panic|drinking|"
    r"urges?|going|feeling|since)|what (?:brings you|would you like to|do you want to) "
    r"(?:in|work on|talk about|focus on|start with))",
    re.IGNORECASE,
)
OPENING_SHARE = 0.35  # a session's opening small talk ends within its first 35 %


def opening_end(segments: Sequence, length: int) -> float:
    """Where the opening small talk of a therapy transcript ends, as a position 0-1:
    the start of the clinician's first sentence that turns to the session's business
    (SESSION_START) within the first OPENING_SHARE of the text; 0.0 (no opening) when
    none does. `segments` are text.Segment in order, `length` the text's characters."""
    for seg in segments:
        if seg.start > OPENING_SHARE * length:
            return 0.0
        if seg.speaker == "clinician" and SESSION_START.search(seg.text):
            return seg.start / max(length, 1)
    return 0.0


# A client's aside in the middle of a session ("Sorry, that's my phone. My sister's
# staying with us and her dog ate a sock.") and the clinician's way back ("Okay. So back
# to the thought."; or the next move to the session's business, SESSION_START).
ASIDE_CLOSER = re.compile(
    r"\b(?:back to|anyway|anyways|where were we|get back to|getting back to|returning to)\b",
    re.IGNORECASE,
)
ASIDE_SEGMENTS = 16  # an aside nobody closes within 16 sentences is none
# The client's own way back ("Anyway, the three a.m. thing.", "So, um, what were we
# doing?"): said at the start of a sentence, not "I went anyway".
CLIENT_RETURN = re.compile(
    r"^(?:(?:so|but|okay|ok|um|uh|well)\W+)*(?:anyway|anyways|back to|where was I|where were we|"
    r"what were we (?:doing|talking about|saying|on))\b",
    re.IGNORECASE,
)


_PHONE_RINGS = re.compile(r"[\[(](?:\w+ )?phone (?:buzz|ring|vibrat)\w*[\])]", re.IGNORECASE)


def asides(segments: Sequence, length: int) -> list[tuple[float, float]]:
    """The asides in a therapy transcript, as [start, end) positions 0-1: from a sentence
    that opens one (ASIDE_OPENER: the client's "Sorry, that's my phone", the clinician's
    "Is that your phone?") to the clinician's next sentence that returns to the session
    (ASIDE_CLOSER or SESSION_START) or the client's own way back (CLIENT_RETURN) within
    ASIDE_SEGMENTS sentences; none where nobody returns. `segments` are text.Segment in
    order, `length` the text's characters."""
    found = []
    for i, seg in enumerate(segments):
        if seg.speaker not in {"client", "clinician"}:
            continue
        ringing = _PHONE_RINGS.search(seg.text)  # "[phone buzzes] Sorry, it's Carla."
        if not (ringing or ASIDE_OPENER.search(STAGE_DIRECTION.sub("", seg.text).strip())):
            continue
        if seg.speaker == "clinician" and not re.search(r"\bphone\b", seg.text, re.I):
            continue  # the clinician's "Sorry, …" is an apology, not an aside
        for later in segments[i + 1 : i + 1 + ASIDE_SEGMENTS]:
            back = (
                ASIDE_CLOSER.search(later.text) or SESSION_START.search(later.text)
                if later.speaker == "clinician"
                else CLIENT_RETURN.search(later.text)
            )
            if back:
                found.append((seg.start / max(length, 1), later.start / max(length, 1)))
                break
    return found


CLOSING_SHARE = 0.3  # a session's next appointment is booked within its last 30 %
# What a note takes from after the booking and from an aside, besides risk statements.
_CLOSING_KINDS = {"plan", "intervention"}
# An assignment said as an instruction after the booking ("Stand by the fence for five
# minutes, three times this week."), or the time confirmed: kept with the plan.
_ASSIGNED = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven) times (?:a|this|per|each|every) (?:day|week)\b|"
    r"\bevery (?:day|night|morning|evening)\b|\beach time\b|\bthis week\b"
    # and the time the clinician confirms after the booking ("Thursday at 5:30 works.")
    rf"|\b{WEEKDAY}\b[^.?!]{{0,20}}?\bat \d",
    re.IGNORECASE,
)


_BOOKED = re.compile(r"^(?:Per [\w-]+, )?next session:", re.IGNORECASE)  # "Per husband, …"


def closing_start(props: Sequence[Proposition]) -> float:
    """Where the closing small talk of a therapy session starts, as a position 0-1: the
    last next-session booking ("Next session: Tuesday at two.", propositions.next_session)
    within the last CLOSING_SHARE of the session; 1.0 (no closing) when there is none.
    After it come the farewells and asides ("my son-in-law is flying in that week",
    "how's the dog?"); the session's business is done."""
    booked = [
        p.position for p in props if _BOOKED.match(p.text) and p.position >= 1.0 - CLOSING_SHARE
    ]
    return max(booked, default=1.0)


def _reports(p: Proposition) -> bool:
    """Is `p` what the client (or a partner or parent) said of themselves?"""
    return p.kind in {"answer", "client"} or _participant(p)


def _participant(p: Proposition) -> bool:
    """A partner's or parent's own statement (text.OTHER_ROLES) in a conjoint or family
    session: documented as the client's own report is, so scored as one."""
    return p.kind == "other" and any(seg.other for seg in p.segments)


class SalienceModel:
    """`weights` (400,), `bias`, `threshold`: keep a proposition whose probability of
    belonging in the note is at least `threshold`."""

    def __init__(self, weights: np.ndarray, bias: float, threshold: float) -> None:
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = float(bias)
        self.threshold = float(threshold)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SalienceModel:
        """Weights written by `manage.py train_salience`; raises OSError."""
        with np.load(path, allow_pickle=False) as data:
            return cls(data["weights"], float(data["bias"]), float(data["threshold"]))

    def scores(self, props: Sequence[Proposition], vectors: np.ndarray) -> np.ndarray:
        """Probability (n,) that each proposition belongs in the note."""
        if not props:
            return np.zeros(0)
        logits = features(props, vectors) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def keep(
        self,
        props: Sequence[Proposition],
        vectors: np.ndarray,
        always: Collection[str] = ALWAYS_KEPT,
        *,
        therapy: bool = False,
        opening: float = 0.0,
        closing: float = 1.0,
        aside: Sequence[tuple[float, float]] = (),
    ) -> list[bool]:
        """Which propositions go in the note: salient enough, of a kind in `always` (by
        default a risk statement, or what the clinician did or decided), what a therapy
        note documents (`documented_in_therapy`), an answer stating a number (a count, a
        rating, a SUDS reading), anyone's statement of a quantity with its unit, the
        client's report of a symptom (`SYMPTOM`), or part of the risk assessment after
        a positive risk statement (`risk_assessment`). Before `opening` (a position 0-1,
        `opening_end`), only a risk statement, what a therapy note documents and the
        client's report of a symptom are kept: the rest is small talk; after `closing`
        (`closing_start`) and within an `aside` (`asides`), only those, a plan, an
        intervention and an assignment or time the clinician states; a risk statement
        made only by the risk before it (`Proposition.by_context`) is not kept inside an
        aside. In a therapy session a therapist's spoken heading (`topic_only`) is never
        kept."""
        scores = self.scores(props, vectors)
        assessing = risk_assessment(props)
        kept = []
        for p, s, assessed in zip(props, scores, assessing, strict=True):
            if therapy and topic_only(p):
                kept.append(False)
                continue
            # what a therapy note records whatever the score, in the opening too
            recorded = documented_in_therapy(p.text) or (
                _reports(p) and bool(SYMPTOM.search(p.text))
            )
            salient = (
                recorded
                or (
                    bool(s >= self.threshold)
                    and not (
                        therapy
                        and (conversational(p) or says_nothing(p) or chit_chat(p) or sports_talk(p))
                    )
                )
                or p.kind in always
                or (p.kind == "answer" and bool(_NUMBER.search(p.text)))
                or (_reports(p) and bool(_SELF_RATED.search(p.text)))
                or bool(_QUANTITY.search(p.text))
                or assessed
            )
            in_aside = any(a <= p.position < b for a, b in aside)
            inside = opening <= p.position <= closing and not in_aside
            # an answer that is risk only by the risk before it ("Sorry, it's Carla, she's
            # asking who picks Emma up") is no risk statement inside an aside
            stated = p.kind == "risk" and not (p.by_context and in_aside)
            kept.append(
                salient
                and (
                    recorded
                    or stated
                    or inside
                    or (p.position > opening and p.kind in _CLOSING_KINDS)
                    or (p.position > opening and p.kind == "clinician" and _ASSIGNED.search(p.text))
                )
            )
        return kept


def topic_only(p: Proposition) -> bool:
    """Is `p` a therapist's spoken heading ("Warning signs.", "The TIPP skill.", "Step
    one.", "The PHQ-9."): a clinician's sentence of a session transcript of at most
    TOPIC_WORDS words and no number? What follows it is the content; a clinician's own
    shorthand note ("No SIB.", "Motivated.") is no transcript turn and is kept."""
    return (
        p.kind == "clinician"
        and bool(p.segments)
        and all(seg.speaker == "clinician" for seg in p.segments)
        and len(p.text.split()) <= TOPIC_WORDS
        and not _NUMBER.search(p.text)
    )


TOPIC_WORDS = 3


def says_nothing(p: Proposition) -> bool:
    """Is `p` a report that says nothing without the question it answered: at most one
    content word and no number ("Client reports that they guess.", "Client reports that
    it was weird.", "Client reports that will do.")? Only the salience score is
    overruled, as for `conversational`."""
    return (
        _reports(p)
        and not _NUMBER.search(p.text)
        and len(content_stems(without_frame(p.text))) <= 1
    )


def conversational(p: Proposition) -> bool:
    """Is `p` a therapist's remark that a therapy note does not record ("That's a real
    drop.", "Out of sight, out of mind.")? A clinician's statement (kind "clinician":
    not an intervention, plan or risk statement) that states no number, symptom,
    technique, homework, measure, risk or what will happen ("Starting Monday she'll go
    for first period" is the plan). Only the salience score is overruled: a rule
    that keeps a proposition for what it states still keeps it."""
    return p.kind == "clinician" and not (
        _NUMBER.search(p.text)
        or SYMPTOM.search(p.text)
        or documented_in_therapy(p.text)
        or _TECHNIQUE_WORDS.search(p.text)
        or _FUTURE.search(p.text)
    )


# A name inside a sentence ("Client reports that Marisol is threatening to write a letter
# to the network", "the Molar Rollers"): a capitalised word after the first, not "I".
# Not the first word of a reported clause ("Client reports that Maybe …"), nor a
# relation said as a title ("Mommy", "Grandpa").
_NAME = re.compile(
    r"(?:(?<=\w )|(?<=\w[,;:] ))(?<!\bthat )(?!I\b|I'|Client\b|Clinician\b)(?!(?:Mom|Mommy|Mama|"
    r"Dad|Daddy|Papa|Grandma|Grandpa|Nana|Granny)\b)[A-Z][a-z]+"
)
_MONTHS_AND_DAYS = re.compile(  # capitalised: "March", "Sundays"
    rf"\b(?=(?-i:[A-Z]))(?:{MONTH}|{WEEKDAY}s?)\b", re.IGNORECASE
)
# What a therapy note records of a named person or place besides symptoms: a loss, a
# break-up or a move (a precipitant), a conflict, a body's alarm ("about jumped out of
# their skin", "their tummy hurts").
_EVENT = re.compile(
    r"\b(?:moved (?:out|away|in)|broke up|break-?up|divorc\w*|separat\w*|died|passed away|"
    r"funeral|fired|laid off|let go|arrest\w*|fight\w*|fought|argu\w*|yell\w*|scream\w*|"
    r"hit|hurt\w*|jump\w* out of (?:my|their|his|her) skin|startl\w*|tummy|stomach\w*|"
    r"headache\w*|critic\w*)\b"
    # a condition or a measure named after a person or place
    r"|\b(?:Edinburgh|Beck|Hamilton|Rosenberg|Zarit|Yale|Columbia|Vanderbilt|Conners|Epworth|"
    r"Pittsburgh|Parkinson|Alzheimer|Huntington|Crohn|Asperger|Tourette|Lyme|Hashimoto|Graves|"
    r"Addison|Cushing|Bell|Raynaud|Meniere|Lou Gehrig)(?:['’]s)?\b",
    re.IGNORECASE,
)
# What a medication's name looks like, generic or brand ("sertraline", "Zoloft",
# "Lamictal", "lorazepam") when no dose is said.
_DRUG_LIKE = re.compile(
    r"\b\w+(?:ine|ol|am|pam|lam|one|ide|ate|ex|al|ax|il|in|ft|ta|ra|za|x)\b", re.IGNORECASE
)


def chit_chat(p: Proposition) -> bool:
    """Is `p` a client's or family member's report about someone or something named that
    states nothing a therapy note records: a name ("Marisol", "the Strike Kings"), and no
    number, symptom, technique, measure, risk or medication-like word?"""
    if p.kind not in {"client", "other"}:
        return False
    text = _MONTHS_AND_DAYS.sub("", p.text)
    return bool(_NAME.search(text)) and not (
        _NUMBER.search(text)
        or _records_something(text)
        or any(_DRUG_LIKE.fullmatch(m) for m in _NAME.findall(text))
    )


def _records_something(text: str) -> bool:
    """Does `text` state what a therapy note records beside small talk: a symptom, what
    `documented_in_therapy` holds, a technique or measure, or a loss or conflict
    (`_EVENT`)?"""
    return bool(
        SYMPTOM.search(text)
        or documented_in_therapy(text)
        or _TECHNIQUE_WORDS.search(text)
        or _EVENT.search(text)
    )


# A game told of: its score, its plays, its season ("they lost on penalties", "she pitched
# the last two innings", "came back from fourteen down in the fourth").
_SPORTS = re.compile(
    r"\b(?:innings?|overtime|quarterback|touchdowns?|home runs?|play-?offs?|semi-?finals?|"
    r"quarter-?finals?|championship|tournament|season tickets|(?:first|second|third|fourth) "
    r"quarter|in the fourth|half-?time|on penalties|penalty kicks?|shoot-?out|headers?|"
    r"corner kick|free kick|hat trick|pitched|pitcher|batting|goalie|striker|"
    r"(?:won|lost) (?:the|their|his|her|our) (?:game|match|final)|won \w+ to \w+|"
    r"(?:twelve|fourteen|ten|eleven|nine|\d+) and under)\b",
    re.IGNORECASE,
)


def sports_talk(p: Proposition) -> bool:
    """Is `p` a client's or family member's report of a game (`_SPORTS`) that states no
    symptom, technique, measure, risk, conflict or loss (`_EVENT`)? A therapy note may
    record that the client went to the game, not how it went. Only the salience score
    is overruled, as for `chit_chat`."""
    if p.kind not in {"client", "other"} or not _SPORTS.search(p.text):
        return False
    return not (_records_something(p.text) or risk.find_in_text(p.text))


def risk_assessment(props: Sequence[Proposition]) -> list[bool]:
    """Which propositions answer the risk assessment that follows a positive risk
    statement the client (or a partner or parent) made, of their own (plan, means,
    intent, protective factors; not a relative's suicide, `RiskFinding.about_other`, nor
    the clinician's words about suicide): the client's answers and
    statements after it that say something (not `says_nothing`), up to the clinician's
    next plan or intervention or ASSESSMENT_SPAN propositions after the last risk
    statement, when the session has moved on."""
    result, since = [], None  # propositions since the last positive risk statement
    for p in props:
        # the client's own words, not the clinician's psychoeducation nor an answer that is
        # risk only by the question before it
        clinicians = bool(p.segments) and all(seg.speaker == "clinician" for seg in p.segments)
        said = not clinicians and not p.by_context
        if p.kind == "risk" and said and any(own_risk(f) for f in risk.find_in_text(p.text)):
            since = 0
        elif p.kind in {"plan", "intervention"}:
            since = None
        elif since is not None:
            since += 1
        assessing = since is not None and since <= ASSESSMENT_SPAN
        result.append(assessing and p.kind in {"answer", "client"} and not says_nothing(p))
    return result


ASSESSMENT_SPAN = 8  # propositions after a risk statement that may still assess it


def documented_in_therapy(text: str) -> bool:
    """Is `text` a response to an intervention, a scale rating, a measure's score ("GAD-7
    was 12"), homework review, safety planning (crisis line, means restriction, level of
    care), change talk or care coordinated with another provider (a referral, "her
    pediatrician to check the deeper one")?"""
    if MEASURE.search(text) and _NUMBER.search(MEASURE.sub("", text)):
        return True
    rules = (_RESPONSE, _RATING, _HOMEWORK, _SAFETY, _CHANGE_TALK, _COORDINATION)
    return any(rule.search(text) for rule in rules)


@cache
def get_salience() -> SalienceModel:
    """The model from data/salience.npz, loaded once per process."""
    return SalienceModel.load()
