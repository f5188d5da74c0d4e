"""Searching one client's chart: the entry point the answer service calls."""

from __future__ import annotations

from django.conf import settings

from .consent import part2_consent_in_force
from .index import ClientIndex, Hit


def chart_search(*, client_id: str, question: str, k: int | None = None) -> list[Hit]:
    """The `k` (default QA_TOP_K) chunks of the client's chart closest to `question`.

    `client_id` must be one the caller has authorized for the user (it picks the
    collection). 42 CFR Part 2 chunks are included only while the client's Part 2
    consent is in force. Synchronous (database, CPU-bound embedding, Chroma): call
    it from async code through `sync_to_async`.
    """
    include_restricted = part2_consent_in_force(client_id)
    index = ClientIndex(client_id)
    return index.search(question, k or settings.QA_TOP_K, include_restricted=include_restricted)
