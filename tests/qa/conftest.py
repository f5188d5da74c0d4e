"""Chart Q&A fixtures: plain FHIR reads of the sandbox, independent of the gateway's parsing,
so tests can derive the values an answer must state."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from datetime import date, datetime

import pytest


class FhirReader:
    """GET searches on the sandbox's FHIR API; returns the matching resources."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def search(self, resource_type: str, **params: str) -> list[dict]:
        query = urllib.parse.urlencode({**params, "_count": "200"})
        url = f"{self.base_url}/{resource_type}?{query}"
        with urllib.request.urlopen(url, timeout=10) as response:
            bundle = json.load(response)
        return [entry["resource"] for entry in bundle.get("entry", [])]

    def read(self, resource_type: str, resource_id: str) -> dict:
        with urllib.request.urlopen(
            f"{self.base_url}/{resource_type}/{resource_id}", timeout=10
        ) as r:
            return json.load(r)

    def scores(self, client_id: str, loinc: str) -> list[tuple[datetime, int, str]]:
        """(effective, total, "Observation/id") of one instrument, oldest first."""
        found = self.search(
            "Observation", subject=f"Patient/{client_id}", code=f"http://loinc.org|{loinc}"
        )
        rows = [
            (
                datetime.fromisoformat(o["effectiveDateTime"].replace("Z", "+00:00")),
                int(o["valueQuantity"]["value"]),
                f"Observation/{o['id']}",
            )
            for o in found
        ]
        return sorted(rows)


@pytest.fixture
def fhir(sandbox) -> FhirReader:
    return FhirReader(sandbox.base_url)


def shown(value: date | datetime) -> str:
    """How answers write a day: "Nov 8, 2026" (UTC in tests)."""
    return f"{value:%b} {value.day}, {value.year}"


class FakeRetriever:
    """Stands in for the retrieval helper's ClientIndex: returns Hit-like objects
    (`.chunk`, `.score`) for fixed passages and records each search."""

    def __init__(self, passages=()) -> None:
        self.passages = list(passages)
        self.searches: list[tuple[str, int, bool]] = []
        self.scopes: list[tuple[object, bool]] = []

    def search(
        self, query: str, k: int = 5, *, include_restricted=False, where=None, newest_first=False
    ):
        from types import SimpleNamespace

        self.searches.append((query, k, include_restricted))
        self.scopes.append((where, newest_first))
        return [SimpleNamespace(chunk=p, score=p.score) for p in self.passages[:k]]

    def facets(self) -> tuple[set[str], set[str]]:
        return {p.title for p in self.passages}, set()

    def count(self) -> int:
        return len(self.passages)


@pytest.fixture
def retriever() -> FakeRetriever:
    return FakeRetriever()
