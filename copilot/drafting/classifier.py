"""Which part of a note a sentence belongs to: a trained model plus therapy rules.

The model is multinomial logistic regression over all-MiniLM-L6-v2 sentence
vectors (its static distillation, `copilot.drafting.vectors`), trained on the reference notes of
ACI-Bench (Yim et al., Scientific Data 2023; CC BY 4.0) by `manage.py
train_section_classifier`, which writes its weights to data/section_classifier.npz.
It tells subjective / objective / assessment_and_plan apart; cue words then split
the last into assessment and plan.

Rules come first, in this order, because ACI-Bench is general medicine and knows
nothing of therapy sessions:

1. the clinician's own heading ("S:", "Plan:") decides;
2. intervention: a clinician action verb with a technique ("practiced grounding",
   "used cognitive behavioral therapy");
3. response: the client's reaction to it ("found it helpful", "was able to",
   "agreed to");
4. assessment: a suicide / homicide / self-harm statement, by our cues or by
   copilot.drafting.risk (the templates want the risk assessment in Assessment or
   Response), or the clinician's impression of progress ("making progress",
   "improved", "stable") unless it reports the client;
5. plan: homework, assignments, referrals, the next session;
6. objective: a mental-status observation (appeared, affect, thought process) or a
   PHQ-9 / GAD-7 score, unless the client said it;
7. goals: the sentence mentions one of the chart's treatment-plan goals;
8. the model, with client utterances leaning subjective (what a client says of
   themselves is the Subjective of a SOAP note: Weed 1968).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from . import risk
from .text import Speaker, segment, without_frame
from .vectors import embed_sentences

MODEL_FILE = Path(__file__).parent / "data" / "section_classifier.npz"
ACI_LABELS = ("subjective", "objective", "assessment_and_plan")
# Logit added to "subjective" for a client's utterance (about e^1.5 = 4.5x the odds).
CLIENT_SUBJECTIVE_BIAS = 1.5
# Vector cosine at which a sentence speaks of a goal; with one shared content word the
# lower bound applies. See goal_mentions. Set by hand on contextual MiniLM (0.45, 0.33)
# and carried to the static vectors at the same share of within-visit proposition pairs
# (30 ACI-Bench train visits, 66,189 pairs: 6.3% and 17.0% reach them: 0.62, 0.51); the
# lower one then set by hand to 0.45, where "Sleeping badly." meets the sleep goal.
GOAL_COSINE = 0.62
GOAL_COSINE_WITH_WORD = 0.45

_PLAN_CUES = re.compile(
    r"\b(?:will|plan|plans|planned|planning|follow[- ]?up|return|schedul\w*|refer\w*|"
    r"continue|homework|next (?:session|visit|appointment|week)|recommend\w*|prescrib\w*|"
    r"order\w*)\b",
    re.IGNORECASE,
)
TECHNIQUE = (
    r"(?:cognitive|behavioral|behaviour\w*|dialectical|motivational|acceptance|exposure|"
    r"psychoeducation|mindfulness|breathing|grounding|relaxation|reframing|restructuring|"
    r"thought record|activity scheduling|safety plan\w*|coping|skills?|distress tolerance|"
    r"emotion regulation|sleep hygiene|problem[- ]solving|role[- ]?play\w*|values|journal\w*|"
    r"worry|urge surfing|imagery|exercise|technique|homework|(?-i:CBT|DBT|MI|EMDR|ACT|BA)|"
    r"desensitization|chain analysis|validation|interviewing|check-in|mood log|sleep diary)"
)
# A sentence whose subject is the client ("Client used coping skills") reports what the
# client did, not what the clinician did.
_CLIENT_SUBJECT = r"(?:the )?(?:client|patient|pt|she|he|they)\s+"
_AFFECT = (
    r"(?:congruent|incongruent|flat|blunted|restricted|full|broad|constricted|labile|"
    r"appropriate|bright\w*|tearful|anxious|euthymic|dysphoric|depressed|irritable)"
)
_Rule = tuple[str, Callable[[str], object], frozenset[str | None]]
_PATTERN_RULES: tuple[_Rule, ...] = tuple(
    (role, re.compile(pattern, re.IGNORECASE).search, frozenset(speakers))
    for role, pattern, speakers in (
        (
            "intervention",
            rf"^(?!{_CLIENT_SUBJECT}).*\b(?:practi[cs]ed|taught|introduced|reviewed|used|"
            r"utilized|provided|explored|"
            r"processed|guided|modell?ed|role-played|implemented|conducted|facilitated|"
            r"demonstrated|applied|offered|worked on|engaged the client in|educated)\b"
            rf".*\b{TECHNIQUE}\b",
            {"clinician", None},
        ),
        (
            "response",
            rf"^{_CLIENT_SUBJECT}(?:\w+ly )?(?:used|practi[cs]ed|applied|completed|tried|"
            r"engaged)\b|"
            r"\b(?:found (?:it|this|that|them|the \w+) (?:helpful|useful|beneficial)|"
            r"(?:was|were|being) able to|agreed to|receptive|engaged (?:well|actively)|"
            r"responded (?:well|positively|favorably)|verbali[sz]ed understanding|"
            r"demonstrated (?:understanding|insight)|(?:was|were) open to|"
            r"client responded|(?:it|this|that|the \w+) (?:(?:kind of|sort of|really|a bit|"
            r"a little|somewhat) )?(?:helped|was helpful))\b",
            {"clinician", "client", None},
        ),
        (
            "assessment",
            r"\b(?:suicid\w*|homicid\w*|self[- ]harm\w*|safety plan\w*|better off dead|"
            r"hurt(?:ing)? (?:myself|themselves|himself|herself|yourself|others|anyone|someone)|"
            r"kill(?:ing)? (?:myself|themselves|himself|herself|yourself)|"
            r"end(?:ing)? (?:my|their|his|her|your) life)",
            {"clinician", "client", None},
        ),
        (
            "assessment",
            r"^(?!.*\b(?:report\w*|stat\w*|says|said|endors\w*|describ\w*|complain\w*)\b)"
            r".*\b(?:progress\w*|improv\w*|worsen\w*|stable|stabiliz\w*|prognosis|impression|"
            r"consistent with|meets criteria|struggl\w*)\b",
            {"clinician", None},
        ),
        (
            "subjective",  # what the visit is: "Client follow-up GAD, 6th session."
            r"^(?:client |patient )?(?:follow-up|seen|presents|presented|attended|here)\b.*"
            r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|intake) session\b",
            {"clinician", None},
        ),
        (
            "plan",
            r"\b(?:homework|assigned|asked the client to|next (?:session|appointment|visit)|"
            r"refer(?:red|ral)|follow[- ]up (?:in|with|on)|will (?:continue|practice|meet|"
            r"follow|complete|monitor|try|review|schedule))\b",
            {"clinician", None},
        ),
        (
            "objective",
            r"\b(?:appeared|appearance|groomed|dressed|eye contact|psychomotor|"
            rf"affect(?: was| is| appeared)? {_AFFECT}|{_AFFECT}(?: range of)? affect|affect:|"
            r"mood (?:was|is|appeared|described as|[\"\u201c])|thought (?:process|content)|"
            r"goal-directed|tangential|circumstantial|oriented|speech (?:was|is|soft|normal)|"
            r"perceptual|hallucinat\w*|delusion\w*|(?:PHQ-?9|GAD-?7)\b.*\d)",
            {"clinician", None},
        ),
    )
)
# copilot.drafting.risk's finder catches what our cues miss ("better off without me").
_RULES = (
    *_PATTERN_RULES[:3],
    ("assessment", risk.find_in_text, frozenset({"clinician", "client", None})),
    *_PATTERN_RULES[3:],
)
_GOAL_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an the and or of to in on at for by with within per least most less more than below "
        "above under over reduce increase maintain use using each every daily weekly week weeks "
        "day days night nights hour hours time times total score client fewer once twice "
        "without from into during measured schedule complete session",
    )
)


@dataclass(frozen=True)
class Classified:
    """The role of one sentence, why, and the goals it mentions (indexes into `goals`).

    `role` is one of subjective, objective, assessment, plan, intervention, response,
    goals; `model_role` is what the model alone said (subjective, objective, assessment
    or plan), the fallback when a template has no section for `role`; `rule` names the
    rule that decided, or "model".
    """

    role: str
    model_role: str
    rule: str
    goals: tuple[int, ...] = ()


class SectionClassifier:
    """Logistic regression over unit sentence vectors (d = vectors.DIMENSIONS):
    `weights` (3, d), `bias` (3,)."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, labels: Sequence[str]) -> None:
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.labels = tuple(labels)
        self.subjective = self.labels.index("subjective")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SectionClassifier:
        """Weights written by `manage.py train_section_classifier`; raises OSError."""
        with np.load(path, allow_pickle=False) as data:
            return cls(data["weights"], data["bias"], [str(x) for x in data["labels"]])

    def logits(
        self, vectors: np.ndarray, speakers: Sequence[Speaker | None] | None = None
    ) -> np.ndarray:
        """Scores (n, 3) for unit vectors (n, d); client rows lean subjective."""
        scores = vectors @ self.weights.T + self.bias
        if speakers is not None:
            is_client = np.array([s == "client" for s in speakers], dtype=bool)
            scores[is_client, self.subjective] += CLIENT_SUBJECTIVE_BIAS
        return scores

    def predict_aci(
        self, vectors: np.ndarray, speakers: Sequence[Speaker | None] | None = None
    ) -> list[str]:
        """The model's ACI-Bench label for each row: one of ACI_LABELS."""
        if len(vectors) == 0:
            return []
        return [self.labels[i] for i in self.logits(vectors, speakers).argmax(axis=1)]

    def classify(
        self,
        texts: Sequence[str],
        speakers: Sequence[Speaker | None] | None = None,
        *,
        labels: Sequence[str | None] | None = None,
        goals: Sequence[str] = (),
        vectors: np.ndarray | None = None,
    ) -> list[Classified]:
        """The role of each sentence in `texts` (see the module docstring for the rules).

        `speakers`: who said each sentence (None for notes); `labels`: the heading the
        clinician put it under, if any; `goals`: the chart's goal descriptions;
        `vectors`: the sentences' embeddings when already computed (else embedded here).
        """
        speakers = list(speakers) if speakers is not None else [None] * len(texts)
        labels = list(labels) if labels is not None else [None] * len(texts)
        vectors = embed_sentences(list(texts)) if vectors is None else vectors
        predicted = self.predict_aci(vectors, speakers)
        mentions = goal_mentions(texts, _unframed(texts, vectors), goals) if goals else None
        return [
            _decide(text, speaker, label, aci, tuple(np.flatnonzero(row).tolist()))
            for text, speaker, label, aci, row in zip(
                texts,
                speakers,
                labels,
                predicted,
                mentions if mentions is not None else [()] * len(texts),
                strict=True,
            )
        ]


def _unframed(texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """Embeddings of the sentences without "Client reported that": the frame says where
    a sentence goes in a note, not what it is about."""
    bare = [without_frame(t) for t in texts]
    changed = [i for i, (b, t) in enumerate(zip(bare, texts, strict=True)) if b != t]
    result = vectors.copy()
    if changed:
        result[changed] = embed_sentences([bare[i] for i in changed])
    return result


def _decide(
    text: str, speaker: Speaker | None, label: str | None, aci: str, goals: tuple[int, ...]
) -> Classified:
    model_role = split_assessment_and_plan(text) if aci == "assessment_and_plan" else aci
    if label:
        return Classified(label, model_role, "heading", goals)
    for role, matches, speakers in _RULES:
        if speaker in speakers and matches(text):
            return Classified(role, model_role, role, goals)
    if goals:
        return Classified("goals", model_role, "goals", goals)
    return Classified(model_role, model_role, "model", goals)


def split_assessment_and_plan(text: str) -> str:
    """ "plan" when the sentence has a plan cue (will, plan, follow up, return, schedule,
    refer, continue, homework, next session, recommend, prescribe, order), else
    "assessment"."""
    return "plan" if _PLAN_CUES.search(text) else "assessment"


def _goal_stems(text: str) -> set[str]:
    words = re.findall(r"[a-z][a-z0-9-]*", text.lower())
    return {w[:5] for w in words if len(w) > 2 and w not in _GOAL_STOPWORDS}


def goal_mentions(texts: Sequence[str], vectors: np.ndarray, goals: Sequence[str]) -> np.ndarray:
    """Boolean (len(texts), len(goals)): does sentence i speak of goal j?

    Yes when they share two content words (by their first five letters, so "sleeping"
    meets "Sleep"; function words, units like "weeks" and plan verbs like "schedule" do
    not count), or one such word at a cosine of GOAL_COSINE_WITH_WORD, or a cosine of
    GOAL_COSINE alone ("a bad dream" and "Reduce frequency of nightmares"). `vectors`
    are the sentences' embeddings; the cosine uses them as given. Thresholds set by hand
    on the demo charts' goals against unrelated session sentences (tests/drafting).
    """
    if not goals or not len(texts):
        return np.zeros((len(texts), len(goals)), dtype=bool)
    cosine = vectors @ embed_sentences(list(goals)).T
    goal_stems = [_goal_stems(goal) for goal in goals]
    shared = np.array([[len(_goal_stems(text) & stems) for stems in goal_stems] for text in texts])
    with_word = (shared == 1) & (cosine >= GOAL_COSINE_WITH_WORD)
    return (shared >= 2) | with_word | (cosine >= GOAL_COSINE)


@cache
def get_classifier() -> SectionClassifier:
    """The classifier from data/section_classifier.npz, loaded once per process."""
    return SectionClassifier.load()


# --- ACI-Bench reference notes as labeled sentences ------------------------------------

ACI_FILES = {
    "subjective": ("subjective",),
    "objective": ("objective_exam", "objective_results"),
    "assessment_and_plan": ("assessment_and_plan",),
}
_FIELD_LABEL = re.compile(r"^(?:[A-Z][\w/&'-]*(?: [\w/&'-]+){0,3}): (?=\S)")


def aci_sentences(root: Path, split: str) -> list[tuple[str, str, str]]:
    """(sentence, label, encounter) for every sentence of ACI-Bench's reference notes
    in `root`/sections_json/<split>_<section>.json; label is one of ACI_LABELS.

    All-capital headings ("HISTORY OF PRESENT ILLNESS") are dropped and field names
    ("Cardiovascular: ", "Medical Reasoning: ") cut off: they name the section
    outright, and therapy input has neither. Raises OSError, KeyError on a bad file.
    """
    import json

    rows = []
    for label, names in ACI_FILES.items():
        for name in names:
            path = root / "sections_json" / f"{split}_{name}.json"
            for item in json.loads(path.read_text(encoding="utf-8"))["data"]:
                encounter = item["file"].split("-")[0]
                rows += [(s, label, encounter) for s in note_sentences(item["tgt"])]
    return rows


def note_sentences(note: str) -> list[str]:
    """A reference note's sentences, headings dropped and field names cut off."""
    sentences = []
    for seg in segment(note)[1]:
        text = _FIELD_LABEL.sub("", seg.text.strip())
        if re.search(r"[a-z]", text):
            sentences.append(text)
    return sentences
