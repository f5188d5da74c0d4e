"""Treatment-plan review engines: per goal, a progress summary citing its evidence, a
status suggestion with its reason and, for a goal without progress, measurable revised
wording.

`grounded` (default; deterministic, offline) writes only what the evidence holds
(copilot.plans.evidence). Its rules:
- a goal measured by PHQ-9 / GAD-7 whose last result meets its target (e.g. < 10):
  "achieved", or "sustaining" when the Goal was already achieved or sustaining;
- target not met but the score moved toward it: "in-progress";
- target not met and the score did not move toward it (no change or worse): no progress
  ("in-progress", with revised wording) — never "achieved";
- no score but note sentences mention the goal: "in-progress" (the notes show it was
  worked on, not whether it was met: the clinician decides);
- no evidence at all: "No evidence since last review", "on-hold" suggested, revised
  wording; nothing about progress is said;
- a 42 CFR Part 2 goal: not drafted (its status is kept; the clinician reviews it).
Revised wording keeps the goal's own target and adds how and by when it is measured
(the next review: PLAN_REVIEW_DAYS from today); a goal that states no amount or
frequency gets a "[clinician to complete: how often or how much]" placeholder instead of
an invented number.

`llm` (DRAFT_ENGINE=llm) asks the chat model from get_llm() with the versioned prompt
prompts/plan_review_v1.txt, de-identified by copilot.drafting.engines.protect; its
answer is held to the same evidence: a goal without evidence keeps the grounded text,
"achieved"/"sustaining" stand only where a score meets the target, and a sentence with
a number no evidence holds is marked unsupported.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from copilot.chart import ChartContext
from copilot.drafting.engines import EngineError, get_llm, protect, stream_text
from copilot.drafting.types import DraftSentence, EngineInfo, Source

from .evidence import GoalEvidence, PlanEvidence, ScoreChange

ENGINE_VERSION = "1.0"
PROMPT_VERSION = "plan_review_v1"
PROMPTS = Path(__file__).with_name("prompts")
STATUSES = ("in-progress", "achieved", "sustaining", "on-hold")
NO_EVIDENCE = "No evidence since last review"
QUOTES_SHOWN = 3


@dataclass(frozen=True)
class GoalDraft:
    """The drafted review of one goal: summary sentences (each with its FHIR sources),
    status suggestion (one of STATUSES) with its reason, revised wording ("" when the
    goal progressed), and whether any evidence was found."""

    goal_id: str
    sentences: tuple[DraftSentence, ...]
    status: str
    reason: str
    revised: str
    evidence_found: bool

    @property
    def summary(self) -> str:
        return " ".join(s.text for s in self.sentences)


def day(value: date | None) -> str:
    """ "Nov 3, 2026" (no leading zero), or "the start of the plan" for None."""
    return f"{value:%b} {value.day}, {value.year}" if value else "the start of the plan"


class PlanEngine(ABC):
    info: EngineInfo
    outbound = None  # the payload sent to an external model (copilot.deid.Outbound), if any

    @abstractmethod
    async def draft(
        self, evidence: PlanEvidence, *, chart: ChartContext, clinician: str | None
    ) -> list[GoalDraft]:
        """One GoalDraft per goal of `evidence`, in plan order. Raises EngineError."""


# --- grounded ----------------------------------------------------------------------


def _score_sentence(score: ScoreChange) -> DraftSentence:
    name, first, last = score.instrument.name, score.first, score.last
    if score.single:
        text = f"{name} was {last.total} on {day(last.effective.date())} (one result)."
    else:
        text = (
            f"{name} went from {first.total} on {day(first.effective.date())} to {last.total} "
            f"on {day(last.effective.date())} ({score.change:+d} points)."
        )
    met = score.target_met
    if met is not None:
        target = f"{score.comparator} {score.target:g}"
        text += f" Target {name} {target}: {'met' if met else 'not met'}."
    return DraftSentence(text, tuple(Source.chart(ref) for ref in score.sources))


def _quote_sentences(evidence: GoalEvidence, since: date | None) -> list[DraftSentence]:
    quotes = evidence.quotes
    notes = len({q.source for q in quotes})
    head = DraftSentence(
        f"{notes} note{'s' if notes != 1 else ''} since {day(since)} mention this goal.",
        tuple(Source.chart(ref) for ref in dict.fromkeys(q.source for q in quotes)),
    )
    latest = list(dict.fromkeys(q.text for q in reversed(quotes)))[:QUOTES_SHOWN]
    by_text = {q.text: q for q in quotes}  # the latest note of each sentence
    cited = [
        DraftSentence(f"{day(by_text[t].date)}: “{t}”", (Source.chart(by_text[t].source),))
        for t in latest
    ]
    return [head, *cited]


def _status(evidence: GoalEvidence) -> tuple[str, str, bool]:
    """(status, reason, progressed) by the rules of the module docstring."""
    goal, score = evidence.goal, evidence.score
    if score is not None and score.target_met:
        already = goal.achievement_status in ("achieved", "sustaining")
        status = "sustaining" if already else "achieved"
        name = score.instrument.name
        return (
            status,
            f"{name} {score.last.total} meets the target ({score.comparator} {score.target:g})"
            + ("; the goal was already achieved." if already else "."),
            True,
        )
    if score is not None and not score.single and score.improved:
        return "in-progress", f"{score.instrument.name} improved but the target is not met.", True
    if score is not None:
        change = "did not change" if score.change == 0 else "moved away from the target"
        note = " (notes mention it)" if evidence.quotes else ""
        return "in-progress", f"No progress: {score.instrument.name} {change}{note}.", False
    if evidence.quotes:
        return (
            "in-progress",
            "Worked on in sessions; no measure shows whether the target was met.",
            True,
        )
    return "on-hold", "Not taken up in any session since the last review.", False


_NUMBER = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|once|twice|daily|weekly|each|"
    r"every)\b",
    re.IGNORECASE,
)
HOW_OFTEN = "[clinician to complete: how often or how much]"


def revised_wording(evidence: GoalEvidence, review_by: date) -> str:
    """Measurable wording for a goal without progress: its target kept, how and by when
    it is measured added (see the module docstring)."""
    goal, score = evidence.goal, evidence.score
    if score is not None and score.target is not None:
        name = score.instrument.name
        bound = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above"}
        where = bound.get(score.comparator or "", "to")
        return (
            f"Reduce {name} total from {score.last.total} to {where} {score.target:g} by "
            f"{day(review_by)}, measured every 2 weeks."
            if where.startswith(("below", "at or below"))
            else f"Raise {name} total from {score.last.total} to {where} {score.target:g} by "
            f"{day(review_by)}, measured every 2 weeks."
        )
    text = goal.description.rstrip(". ")
    if not _NUMBER.search(text):
        text += f" {HOW_OFTEN}"  # a number only the clinician can set
    return f"{text}, recorded at each session; review by {day(review_by)}."


def grounded_goal(evidence: GoalEvidence, since: date | None, review_by: date) -> GoalDraft:
    """The grounded draft of one goal (see the module docstring)."""
    goal = evidence.goal
    if evidence.withheld:
        current = "achieved" if goal.achievement_status == "achieved" else "in-progress"
        text = "Labeled 42 CFR Part 2: not drafted; review this goal yourself."
        return GoalDraft(goal.id, (DraftSentence(text),), current, text, "", False)
    if not evidence.found:
        text = (
            f"{NO_EVIDENCE} ({day(since)}): no note since then mentions this goal "
            "and no score is linked to it."
        )
        status, reason, _ = _status(evidence)
        revised = revised_wording(evidence, review_by)
        return GoalDraft(goal.id, (DraftSentence(text),), status, reason, revised, False)
    sentences = [_score_sentence(evidence.score)] if evidence.score else []
    if evidence.quotes:
        sentences += _quote_sentences(evidence, since)
    status, reason, progressed = _status(evidence)
    revised = "" if progressed else revised_wording(evidence, review_by)
    return GoalDraft(goal.id, tuple(sentences), status, reason, revised, True)


def review_due(today: date | None = None) -> date:
    """The next review: PLAN_REVIEW_DAYS (default 90) after today."""
    return (today or timezone.localdate()) + timedelta(days=settings.PLAN_REVIEW_DAYS)


class GroundedPlanEngine(PlanEngine):
    """Writes only what the evidence holds; see the module docstring."""

    def __init__(self) -> None:
        self.info = EngineInfo(name="grounded", version=ENGINE_VERSION)

    async def draft(
        self, evidence: PlanEvidence, *, chart: ChartContext, clinician: str | None
    ) -> list[GoalDraft]:
        by = review_due()
        return [grounded_goal(g, evidence.since, by) for g in evidence.goals]


# --- llm -----------------------------------------------------------------------------


def _evidence_lines(evidence: GoalEvidence) -> str:
    if evidence.withheld or not evidence.found:
        return "  (no evidence since the last review)"
    lines = []
    if evidence.score:
        lines.append(f"  score: {_score_sentence(evidence.score).text}")
    lines += [f"  note {day(q.date)}: {q.text}" for q in evidence.quotes]
    return "\n".join(lines)


def build_prompt(evidence: PlanEvidence) -> str:
    """The versioned prompt filled with each drafted goal and its evidence."""
    goals = "\n".join(
        f"## goal-{n}: {g.goal.description} (current status: "
        f"{g.goal.achievement_status or g.goal.lifecycle_status})\n{_evidence_lines(g)}"
        for n, g in enumerate(evidence.goals, 1)
        if not g.withheld
    )
    template = (PROMPTS / f"{PROMPT_VERSION}.txt").read_text(encoding="utf-8")
    return template.format(since=day(evidence.since), goals=goals, statuses=", ".join(STATUSES))


_FIELD = re.compile(r"^\s*(status|reason|progress|revised)\s*:\s*(.*)$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*#+\s*goal-(\d+)\b", re.IGNORECASE)


def parse_reply(text: str) -> dict[int, dict[str, str]]:
    """The model's reply as {goal number: {status, reason, progress, revised}}."""
    found: dict[int, dict[str, str]] = {}
    current: dict[str, str] | None = None
    last = ""
    for line in text.splitlines():
        if header := _HEADER.match(line):
            current = found.setdefault(int(header[1]), {})
        elif current is not None and (field := _FIELD.match(line)):
            last = field[1].lower()
            current[last] = field[2].strip()
        elif current is not None and last and line.strip():
            current[last] = f"{current[last]} {line.strip()}".strip()
    return found


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def held_to_evidence(
    evidence: GoalEvidence, reply: dict[str, str] | None, grounded: GoalDraft
) -> GoalDraft:
    """The model's draft of one goal, within what the evidence allows (module docstring)."""
    if reply is None or evidence.withheld or not evidence.found:
        return grounded
    status = reply.get("status", "").lower().strip(". ")
    reason = reply.get("reason", "") or grounded.reason
    met = evidence.score is not None and evidence.score.target_met
    if status not in STATUSES or (status in ("achieved", "sustaining") and not met):
        status, reason = grounded.status, grounded.reason
    sources = tuple(Source.chart(ref) for ref in evidence.sources)
    known = _numbers(_evidence_lines(evidence)) | _numbers(evidence.goal.description)
    text = reply.get("progress", "").strip()
    pieces = re.split(r"(?<=[.!?])\s+", text) if text else []
    sentences = tuple(DraftSentence(p, sources, supported=_numbers(p) <= known) for p in pieces)
    revised = reply.get("revised", "").strip()
    revised = "" if revised.lower().strip(".") in ("", "none", "n/a") else revised
    return GoalDraft(
        grounded.goal_id, sentences or grounded.sentences, status, reason, revised, True
    )


class LlmPlanEngine(PlanEngine):
    """The chat model of get_llm() on the de-identified prompt; see the module docstring."""

    def __init__(self, llm=None, *, timeout: float | None = None) -> None:
        self.llm = llm if llm is not None else get_llm()
        self.timeout = timeout if timeout is not None else settings.LLM_TIMEOUT_SECONDS
        self.outbound = None
        model = getattr(self.llm, "model_name", None) or getattr(self.llm, "model", None) or ""
        self.info = EngineInfo(
            name="llm", version=PROMPT_VERSION, model=f"{settings.LLM_PROVIDER}:{model}".strip(":")
        )

    async def draft(
        self, evidence: PlanEvidence, *, chart: ChartContext, clinician: str | None
    ) -> list[GoalDraft]:
        by = review_due()
        grounded = [grounded_goal(g, evidence.since, by) for g in evidence.goals]
        if not any(g.found and not g.withheld for g in evidence.goals):
            return grounded  # nothing the model could add: nothing is sent
        self.outbound = await protect(build_prompt(evidence), chart=chart, clinician=clinician)
        text = "".join(
            [c async for c in stream_text(self.llm, self.outbound, chunk_seconds=self.timeout)]
        )
        replies = parse_reply(text)
        numbers = {g.goal.id: n for n, g in enumerate(evidence.goals, 1)}
        return [
            held_to_evidence(e, replies.get(numbers[e.goal.id]), d)
            for e, d in zip(evidence.goals, grounded, strict=True)
        ]


def get_plan_engine(name: str | None = None) -> PlanEngine:
    """The engine named by DRAFT_ENGINE (`grounded` or `llm`). Raises EngineError."""
    name = name or settings.DRAFT_ENGINE
    if name == "grounded":
        return GroundedPlanEngine()
    if name == "llm":
        return LlmPlanEngine()
    raise EngineError(f"There is no drafting engine {name!r}.")
