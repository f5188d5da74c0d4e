"""Psychotherapy notes and 42 CFR Part 2 records never go in a prompt."""

from __future__ import annotations

import pytest

from copilot.deid import PolicyError, outbound, withheld_from_chart, withhold
from copilot.qa.types import Passage

from .conftest import PSYCHOTHERAPY_TEXT


def test_labeled_entries_are_withheld_with_their_label(identified_chart):
    withheld = withheld_from_chart(identified_chart)
    assert {(w.reference, w.label) for w in withheld} == {
        ("DocumentReference/psy-1", "PSYTHPN"),
        ("DocumentReference/p2-1", "42CFRPart2"),
    }
    assert "text" not in withheld[0].as_dict()


def test_restricted_passages_are_kept_out_in_order():
    passages = [
        Passage("one", "DocumentReference/a"),
        Passage("two", "DocumentReference/b", restricted=True),
        Passage("three", "DocumentReference/c"),
    ]
    kept, withheld = withhold(passages)
    assert [p.text for p in kept] == ["one", "three"]
    assert [w.reference for w in withheld] == ["DocumentReference/b"]


@pytest.mark.parametrize("provider", ["openai", "openai_compatible"])
def test_a_prompt_quoting_a_withheld_note_is_refused_for_any_provider(
    settings, identified_chart, provider
):
    settings.LLM_LOCAL_PROVIDERS = ["openai_compatible"]
    pasted = f"Session notes.\n{PSYCHOTHERAPY_TEXT.upper()}\nPlan: continue."
    with pytest.raises(PolicyError, match="psychotherapy note"):
        outbound(
            pasted,
            chart=identified_chart,
            withheld=withheld_from_chart(identified_chart),
            provider=provider,
        )


def test_a_prompt_without_withheld_content_passes(identified_chart):
    sent = outbound(
        "Client reported better sleep.",
        chart=identified_chart,
        withheld=withheld_from_chart(identified_chart),
        provider="openai",
    )
    assert [w.label for w in sent.withheld] == ["PSYTHPN", "42CFRPart2"]
