"""Retrieval quality on real (synthetic) charts: recall@5 of the entry that answers.

Questions come from the Synthea structured data (bench/qa_questions.py): the note
of the encounter where a disorder was diagnosed, where a medication was
prescribed, or that happened on a date. bench/qa.py runs the whole set; this is a
subset of three small patients, against a floor measured on it.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from bench.qa_questions import recall_at, synthea_questions
from copilot.qa.answering import retrieve
from copilot.retrieval.index import ClientIndex
from copilot.retrieval.sync import sync_client

pytestmark = pytest.mark.django_db(transaction=True)

SUBSET = {
    "bb6a9034-2f23-2508-d29d-35efee156dc9",  # 18 notes
    "3af3708d-41f1-cd80-f3dd-ec5ac76072bf",  # 20 notes
    "63ee2253-bdd5-da55-2ad2-b4984d0ad700",  # 15 notes
}
# Measured 1.00 (26 of 26) on this subset with hybrid search scoped by the question
# (was 0.46 with dense search alone); the floor leaves two questions' slack for
# floating-point differences between CPUs. bench/qa.py runs all 144 and more.
RECALL_FLOOR = 0.92


async def _recall(questions) -> float:
    found = []
    for q in questions:
        passages, _ = await retrieve(q.text, ClientIndex(q.client_id), today=timezone.localdate())
        found.append(recall_at(5, q, list(dict.fromkeys(p.source for p in passages))))
    return sum(found) / len(found)


async def test_recall_at_5_of_the_supporting_entry_beats_the_measured_floor(gateway):
    for client_id in SUBSET:
        await sync_client(gateway, client_id)
    questions = synthea_questions(clients=SUBSET)
    assert len(questions) >= 20

    recall = await _recall(questions)

    print(f"recall@5 on {len(questions)} questions: {recall:.2f}")
    assert recall >= RECALL_FLOOR
