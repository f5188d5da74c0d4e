"""Hybrid search: BM25 and dense rankings fused, both under the question's filter."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from copilot.retrieval.filters import ChunkFilter, day_number
from copilot.retrieval.index import ClientIndex
from copilot.retrieval.lexical import LexicalIndex
from copilot.retrieval.sync import sync_client

from .conftest import note

pytestmark = pytest.mark.django_db(transaction=True)

FILLER = [
    "Client reported low mood and poor sleep; practiced thought records.",
    "Client described worry about work deadlines; reviewed the worry log.",
    "Client reported more energy after walks; planned pleasant activities.",
    "Client discussed conflict with a coworker; role-played assertive requests.",
]


@pytest.fixture
async def client_id(gateway, sandbox_control) -> str:
    patient = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": ["Hybrid"], "family": "Search"}]}
    )
    texts = [*FILLER, "Started hydroxyzine 25 mg at bedtime for sleep onset.", *FILLER]
    for day, text in enumerate(texts, start=1):
        sandbox_control.create(note(patient["id"], text, day=day))
    await sync_client(gateway, patient["id"])
    return patient["id"]


async def test_a_rare_exact_word_is_found_by_its_keyword_half(client_id):
    hits = await asyncio.to_thread(ClientIndex(client_id).search, "hydroxyzine", 3)
    assert "hydroxyzine" in hits[0].chunk.text
    assert hits[0].fused > hits[1].fused


async def test_a_day_range_limits_both_rankings(client_id):
    window = ChunkFilter(date(2025, 3, 6), date(2025, 3, 9), ("note",))
    hits = await asyncio.to_thread(
        ClientIndex(client_id).search, "hydroxyzine sleep", 9, where=window
    )
    days = {h.chunk.date[:10] for h in hits}
    assert hits and days <= {"2025-03-06", "2025-03-07", "2025-03-08", "2025-03-09"}
    assert not any("hydroxyzine" in h.chunk.text for h in hits)  # day 5: outside


async def test_equal_matches_come_newest_first_when_asked(client_id):
    index = ClientIndex(client_id)
    hits = await asyncio.to_thread(index.search, "worry log", 2, newest_first=True)
    worry = [h for h in hits if "worry log" in h.chunk.text]
    assert worry and worry[0].chunk.date.startswith("2025-03-07")


async def test_the_keyword_index_follows_writes(client_id, gateway, sandbox_control):
    sandbox_control.create(note(client_id, "Client began lamotrigine titration.", day=20))
    await sync_client(gateway, client_id)
    hits = await asyncio.to_thread(ClientIndex(client_id).search, "lamotrigine", 1)
    assert "lamotrigine" in hits[0].chunk.text


def test_the_where_clause_and_the_mask_agree():
    window = ChunkFilter(date(2025, 3, 2), date(2025, 3, 4), ("note",), author="Mei Chen")
    rows = [
        {"day": 20250301, "kind": "note", "author": "Mei Chen"},
        {"day": 20250303, "kind": "note", "author": "Mei Chen"},
        {"day": 20250303, "kind": "diagnosis", "author": "Mei Chen"},
        {"day": 20250304, "kind": "note", "author": "Sam Okafor"},
        {"day": 0, "kind": "note", "author": "Mei Chen"},
    ]
    assert window.mask(rows).tolist() == [False, True, False, False, False]
    assert window.where("c1") == {
        "$and": [
            {"client_id": "c1"},
            {"day": {"$gte": 20250302}},
            {"day": {"$lte": 20250304}},
            {"kind": {"$in": ["note"]}},
            {"author": "Mei Chen"},
        ]
    }
    assert ChunkFilter().where("c1") == {"client_id": "c1"} and ChunkFilter().mask(rows) is None
    assert day_number("2025-03-04T15:00:00+00:00") == 20250304 and day_number("") == 0


def test_bm25_leaves_out_documents_sharing_no_word_and_masked_ones():
    index = LexicalIndex.build(
        ["a", "b", "c"],
        ["sertraline started", "sleep hygiene reviewed", "sertraline dose increased"],
        [{}, {}, {}],
    )
    assert [i for i, _ in index.top("sertraline", 5)] in (["a", "c"], ["c", "a"])
    assert [i for i, _ in index.top("sertraline", 5, mask=[False, True, True])] == ["c"]
    assert index.top("the and of", 5) == []
