"""What the chart shows about each treatment-plan goal since the plan's last review.

Pure functions over what the gateway read (no I/O):
- the window starts at the last review (the latest CarePlan.note carrying the review
  marker, copilot.ehr.plans) or else CarePlan.period.start;
- note evidence: sentences of the progress notes dated in the window that share the
  goal's content words (a word of 5+ letters, or two words; words compared by their
  first 6 letters, so "scheduling" meets "schedule"). Psychotherapy notes (HIPAA 45 CFR
  164.501) and 42 CFR Part 2 notes are never read, and a Part 2 goal gets no evidence;
- score evidence: for a goal whose `target.measure` is PHQ-9 (LOINC 44261-6) or GAD-7
  (70274-6), or whose description names one, the first and last results in the window
  (with the last result before it as the starting point when the window holds fewer
  than two), compared with the goal's `target.detailQuantity` (e.g. < 10).
A goal with neither has no evidence, and says so: nothing is inferred.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from copilot.chart import ChartContext, Note
from copilot.drafting.text import split_sentences
from copilot.ehr.plans import PlanGoal, TreatmentPlan
from copilot.measures import GAD7, PHQ9, Instrument, MeasureResult, MeasureSeries

# Words that say how a goal is measured or scheduled, not what it is about.
_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an the and or but of to in on at for by with from as is are be into onto "
        "reduce increase decrease maintain improve least most fewer less more than "
        "below above under over within per each every times time day days daily week "
        "weeks weekly month months night nights hour hours minute minutes total score "
        "use using one two three four five six seven eight nine ten without measured "
        "self report goal goals client complete engage engaged session sessions therapy "
        "therapist treatment progress mood",
    )
)
_LABEL = re.compile(r"^\s*[A-Z]{1,2}:\s*")  # SOAP/DAP line labels ("S: ", "P: ")
# "Homework:" labels the assigned task; it is not what the sentence is about.
_HOMEWORK = re.compile(r"^\s*homework:\s*", re.IGNORECASE)
_HEADER = re.compile(r"^(progress note|intake assessment)\b", re.IGNORECASE)
_INSTRUMENT_NAMES = {PHQ9: re.compile(r"\bPHQ-?9\b", re.I), GAD7: re.compile(r"\bGAD-?7\b", re.I)}


@dataclass(frozen=True)
class Quote:
    """One note sentence about a goal: the sentence, the note's date and reference."""

    text: str
    date: date | None
    source: str


@dataclass(frozen=True)
class ScoreChange:
    """An instrument's first and last results in the window (points; negative change:
    fewer symptoms), and the goal's target (`comparator` "<", "<=", ">" or ">=" and
    `target`; None when the goal sets none)."""

    instrument: Instrument
    first: MeasureResult
    last: MeasureResult
    comparator: str | None = None
    target: float | None = None

    @property
    def change(self) -> int:
        return self.last.total - self.first.total

    @property
    def single(self) -> bool:
        return self.first is self.last

    def meets(self, total: int) -> bool | None:
        """Does `total` meet the target? None when there is no target."""
        if self.target is None or self.comparator not in ("<", "<=", ">", ">="):
            return None
        return {
            "<": total < self.target,
            "<=": total <= self.target,
            ">": total > self.target,
            ">=": total >= self.target,
        }[self.comparator]

    @property
    def target_met(self) -> bool | None:
        return self.meets(self.last.total)

    @property
    def improved(self) -> bool:
        """Moved toward the target (for these instruments: fewer points, unless the
        target is a floor such as "> 10")."""
        higher_better = self.comparator in (">", ">=")
        return self.change > 0 if higher_better else self.change < 0

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.first.source,) if self.single else (self.first.source, self.last.source)


@dataclass(frozen=True)
class GoalEvidence:
    """The evidence for one goal: note quotes (oldest first), score change, and
    `withheld` for a 42 CFR Part 2 goal (no evidence is gathered for it)."""

    goal: PlanGoal
    quotes: tuple[Quote, ...] = ()
    score: ScoreChange | None = None
    withheld: bool = False

    @property
    def found(self) -> bool:
        return bool(self.quotes) or self.score is not None

    @property
    def sources(self) -> tuple[str, ...]:
        refs = [*(self.score.sources if self.score else ()), *(q.source for q in self.quotes)]
        return tuple(dict.fromkeys(refs))


@dataclass(frozen=True)
class PlanEvidence:
    """Everything the review is drafted from: the plan, the window start `since`, how
    many notes were read in it, and each goal's evidence in plan order."""

    plan: TreatmentPlan
    since: date | None
    notes_read: int
    goals: tuple[GoalEvidence, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref for g in self.goals for ref in g.sources))


# Irregular past forms common in session notes, so "slept" meets a sleep goal.
_IRREGULAR = {"slept": "sleep", "ate": "eat", "ran": "run", "spoke": "speak", "wrote": "write"}


def keywords(text: str) -> frozenset[str]:
    """The content words of a goal's description, as 6-letter stems."""
    words = [_IRREGULAR.get(w, w) for w in re.findall(r"[a-z]+", text.lower())]
    return frozenset(w[:6] for w in words if w not in _STOPWORDS and len(w) > 2)


def mentions(goal_words: frozenset[str], sentence: str) -> bool:
    """Does `sentence` speak of the goal: a shared stem of 5+ letters, or two stems?"""
    shared = goal_words & keywords(sentence)
    return len(shared) >= 2 or any(len(stem) >= 5 for stem in shared)


def note_sentences(note: Note) -> list[str]:
    """A note's sentences, line labels ("S:") and the title line removed."""
    sentences = []
    for line in note.text.splitlines():
        line = _LABEL.sub("", line).strip()
        if not line or _HEADER.match(line):
            continue
        sentences += [line[s:e].strip() for s, e in split_sentences(line, 0, len(line))]
    return [s for s in sentences if s]


def quotes_for(goal: PlanGoal, notes: Sequence[Note]) -> tuple[Quote, ...]:
    """Sentences of `notes` (oldest first) that mention the goal."""
    words = keywords(goal.description)
    return tuple(
        Quote(sentence, note.date.date() if note.date else None, note.source)
        for note in notes
        for sentence in note_sentences(note)
        if mentions(words, _HOMEWORK.sub("", sentence))
    )


def instrument_of(goal: PlanGoal) -> Instrument | None:
    """The instrument a goal is measured by: target.measure LOINC, else a name in its text."""
    for instrument in (PHQ9, GAD7):
        if goal.measure_loinc == instrument.total_loinc:
            return instrument
    return next((i for i, name in _INSTRUMENT_NAMES.items() if name.search(goal.description)), None)


def score_change(goal: PlanGoal, series: MeasureSeries, since: date | None) -> ScoreChange | None:
    """First → last result of the goal's instrument since `since` (see the module
    docstring); None when the goal has no instrument or there is no result."""
    results = series.results
    if not results or instrument_of(goal) is not series.instrument:
        return None
    inside = [r for r in results if since is None or r.effective.date() >= since]
    before = [r for r in results if since is not None and r.effective.date() < since]
    if len(inside) < 2 and before:
        inside = [before[-1], *inside]
    if not inside:
        return None
    return ScoreChange(
        series.instrument, inside[0], inside[-1], goal.target_comparator, goal.target_value
    )


def readable(notes: Sequence[Note]) -> list[Note]:
    """Notes that may be read for evidence: not psychotherapy notes, not Part 2."""
    return [n for n in notes if not n.psychotherapy and not n.restricted]


def goal_evidence(
    goal: PlanGoal, notes: Sequence[Note], chart: ChartContext, since: date | None
) -> GoalEvidence:
    if goal.restricted:
        return GoalEvidence(goal, withheld=True)
    series = chart.phq9 if instrument_of(goal) is PHQ9 else chart.gad7
    return GoalEvidence(goal, quotes_for(goal, notes), score_change(goal, series, since))


def plan_evidence(plan: TreatmentPlan, notes: Sequence[Note], chart: ChartContext) -> PlanEvidence:
    """The evidence for every goal of `plan` from `notes` (those dated since the plan's
    last review, copilot.ehr gateway `notes_since`) and the chart's PHQ-9 / GAD-7."""
    since = plan.reviewed_since
    kept = [n for n in readable(notes) if since is None or n.date is None or n.date.date() >= since]
    goals = tuple(goal_evidence(g, kept, chart, since) for g in plan.goals)
    return PlanEvidence(plan, since, len(kept), goals)
