"""Therapy sessions written for the project (tests/drafting/therapy/, see its README),
drafted by the grounded engine and read against the note a therapist wrote for each:
the facts that note holds, none of the transcript's chatter, every risk statement with
its polarity, a source on every sentence, and a length close to the therapist's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from copilot.drafting import risk
from copilot.drafting.grounded import compose
from copilot.drafting.propositions import has_person
from copilot.drafting.templates import get_template
from copilot.drafting.types import DraftedSection, DraftRequest

SESSIONS = Path(__file__).parent / "therapy"
CASES = json.loads((SESSIONS / "sessions.json").read_text(encoding="utf-8"))
IDS = [case["slug"] for case in CASES]
# A sentence that is only a greeting, a backchannel or a farewell.
CHATTER = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon)|welcome|thanks?|thank you|okay|ok|"
    r"mm-?hmm|uh-huh|yeah|yes|right|sure|bye|see you)\b[^.!?]{0,20}[.!?]?$",
    re.IGNORECASE,
)
_drafts: dict[str, tuple[str, list[DraftedSection]]] = {}


async def drafted(gateway, case: dict) -> tuple[str, list[DraftedSection]]:
    """(input text, sections) of the session's draft on bh-001's chart, drafted once."""
    slug = case["slug"]
    if slug not in _drafts:
        text = (SESSIONS / f"{slug}.txt").read_text(encoding="utf-8")
        chart = await gateway.chart("bh-001")
        request = DraftRequest(get_template(case["template"]), text, chart, case["kind"])
        _drafts[slug] = text, compose(request)
    return _drafts[slug]


def own_sentences(sections: list[DraftedSection]) -> list:
    """The sentences written from the session itself (not chart facts or placeholders)."""
    return [
        s
        for section in sections
        for s in section.sentences
        if not s.placeholder and s.sources and s.sources[0].reference is None
    ]


def reference_words(case: dict) -> int:
    note = (SESSIONS / f"{case['slug']}.note.md").read_text(encoding="utf-8")
    return len(re.sub(r"^#+ .*$", "", note, flags=re.M).split())


def test_there_are_at_least_twelve_sessions_each_with_its_note():
    assert len(CASES) >= 12
    for case in CASES:
        assert (SESSIONS / f"{case['slug']}.txt").is_file()
        assert (SESSIONS / f"{case['slug']}.note.md").is_file()


def test_the_expectations_hold_for_the_therapists_own_note():
    """The must / must_not patterns describe the reference note, not the engine."""
    for case in CASES:
        note = (SESSIONS / f"{case['slug']}.note.md").read_text(encoding="utf-8")
        assert all(re.search(p, note) for p in case["must"]), case["slug"]
        assert not any(re.search(p, note) for p in case["must_not"]), case["slug"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_the_draft_holds_the_facts_of_the_therapists_note(gateway, case):
    _, sections = await drafted(gateway, case)
    note = " ".join(s.text for s in own_sentences(sections))
    assert [p for p in case["must"] if not re.search(p, note)] == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_the_draft_leaves_out_the_transcripts_chatter(gateway, case):
    _, sections = await drafted(gateway, case)
    own = [s.text for s in own_sentences(sections)]
    note = " ".join(own)
    assert [p for p in case["must_not"] if re.search(p, note)] == []
    assert [t for t in own if CHATTER.match(t)] == []
    assert [t for t in own if has_person(t)] == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_every_risk_statement_survives_with_its_polarity(gateway, case):
    """Each risk statement or risk question of the session (`quote`) is cited by a draft
    sentence that risk.py reads as that finding (`kind`) with that polarity (`negated`:
    a denial), so the note keeps its flag and its documented denials."""
    text, sections = await drafted(gateway, case)
    own = own_sentences(sections)
    for stated in case["risk"]:
        start = text.index(stated["quote"])
        end = start + len(stated["quote"])
        citing = [s for s in own if any(src.start < end and start < src.end for src in s.sources)]
        written = {(f.kind, f.negated) for s in citing for f in risk.find_in_text(s.text)}
        assert (stated["kind"], stated["negated"]) in written, (
            stated["quote"],
            [s.text for s in citing],
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_every_sentence_cites_a_source_and_quotes_are_for_risk(gateway, case):
    _, sections = await drafted(gateway, case)
    sentences = [s for section in sections for s in section.sentences if not s.placeholder]
    assert all(s.sources for s in sentences)
    quoted = [s.text for s in own_sentences(sections) if '"' in s.text]
    assert len([t for t in quoted if not risk.find_in_text(t)]) <= 2


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_the_draft_is_about_as_long_as_the_therapists_note(gateway, case):
    _, sections = await drafted(gateway, case)
    words = sum(len(s.text.split()) for s in own_sentences(sections))
    assert 0.5 <= words / reference_words(case) <= 2.0
