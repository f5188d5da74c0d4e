"""The grounded engine for group notes: shared content goes to the group-topic section.

The grounded engine's section classifier learned from individual visits (ACI-Bench),
so it files what a facilitator says to the whole group under Assessment. For a group
note the rule comes first: a facilitator's sentence (or, in notes, a sentence about
"the group" / "everyone") that neither names this member nor speaks to one person
("you") is the group's shared content and goes to the template's `topic` section;
plan sentences (homework, next session) stay in Plan. Everything else is placed by
copilot.drafting.grounded as for any note, except that every statement of the member's
own (their turns, already reduced to theirs by copilot.groups.scrub) is kept whatever
its salience: a group note documents each member's participation. The `llm` engine is
used unchanged: the template's section descriptions ask the model for the same split.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async

from copilot.drafting import grounded
from copilot.drafting.engines import DraftEngine, GroundedEngine, get_engine
from copilot.drafting.salience import ALWAYS_KEPT
from copilot.drafting.text import Statement
from copilot.drafting.types import (
    DraftedSection,
    DraftRequest,
    EngineEvent,
    SectionCompleted,
    SectionStarted,
)

from .scrub import GROUPWIDE, mentions

TOPIC = "topic"
# The member's own turns, as answers or statements, join what every note keeps.
MEMBER_KEPT = ALWAYS_KEPT | {"client", "answer"}
_YOU = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)


def is_shared(statement: Statement, own: re.Pattern[str] | None) -> bool:
    """Is this statement the group's shared content (see the module docstring)?"""
    said = " ".join(segment.text for segment in statement.segments)
    if mentions(own, said):
        return False
    if statement.speaker == "clinician":
        return _YOU.search(said) is None or GROUPWIDE.search(said) is not None
    return statement.speaker is None and GROUPWIDE.search(said) is not None


def compose(request: DraftRequest, *, own: re.Pattern[str] | None) -> list[DraftedSection]:
    """grounded.compose with shared content steered to the `topic` section."""
    analysis = grounded.analyse(request, always=MEMBER_KEPT)
    if any(spec.key == TOPIC for spec in request.template.sections):
        keys = tuple(
            TOPIC if key != "plan" and is_shared(statement, own) else key
            for statement, key in zip(analysis.statements, analysis.sections, strict=True)
        )
        analysis = dataclasses.replace(analysis, sections=keys)
    return [grounded.draft_section(s, analysis, request) for s in request.template.sections]


class GroupGroundedEngine(DraftEngine):
    """The grounded engine for one member's group note; `own` matches the member's
    names (copilot.groups.scrub.own_pattern)."""

    def __init__(self, own: re.Pattern[str] | None) -> None:
        self.own = own
        self.info = GroundedEngine().info

    async def stream(self, request: DraftRequest) -> AsyncIterator[EngineEvent]:
        sections = await sync_to_async(compose, thread_sensitive=False)(request, own=self.own)
        for section in sections:
            yield SectionStarted(section.key, section.title)
            yield SectionCompleted(section)


def group_engine(own: re.Pattern[str] | None) -> DraftEngine:
    """The configured engine (settings.DRAFT_ENGINE) for one member's group note.
    Raises EngineError as get_engine does."""
    engine = get_engine()
    return GroupGroundedEngine(own) if isinstance(engine, GroundedEngine) else engine
