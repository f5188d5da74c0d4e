"""Consistent placeholders for what the analyzer found, and optional date shifting.

Each distinct mention (case-insensitive, spaces collapsed) gets one placeholder for
the whole payload: the client's name `[CLIENT]` (another written form of it
`[CLIENT_2]` …), the clinician `[CLINICIAN]`, other people `[PERSON_1]`,
`[PERSON_2]` …, dates `[DATE_1]` …, and `[PHONE_n]`, `[EMAIL_n]`, `[ID_n]`,
`[ADDRESS_n]`, `[LOCATION_n]`, `[URL_n]`. With DEID_DATES=shift, a date written
to the day is moved by the client's fixed offset instead (the same for every
request about that client) and written "March 5, 2024"; a date it cannot place
to the day still gets a placeholder.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dateutil import parser as dateparser

from . import recognizers as seeded

# Presidio / seeded entity type → placeholder stem.
STEMS = {
    "PERSON": "PERSON",
    seeded.CONTACT_NAME: "PERSON",
    seeded.CLIENT_NAME: "CLIENT",
    seeded.CLINICIAN_NAME: "CLINICIAN",
    "DATE_TIME": "DATE",
    seeded.CHART_DATE: "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    seeded.CHART_CONTACT: "CONTACT",
    "US_SSN": "ID",
    "MEDICAL_LICENSE": "ID",
    "US_PASSPORT": "ID",
    "US_BANK_NUMBER": "ID",
    "CREDIT_CARD": "ID",
    "IBAN_CODE": "ID",
    seeded.CHART_IDENTIFIER: "ID",
    seeded.CHART_ADDRESS: "ADDRESS",
    "LOCATION": "LOCATION",
    "URL": "URL",
    "IP_ADDRESS": "IP",
}
UNNUMBERED = {"CLIENT", "CLINICIAN"}  # the first is [CLIENT], then [CLIENT_2] …
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?!\w)|\bmay\b(?=\s*\d)",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b")


def is_calendar_date(text: str) -> bool:
    """Does this DATE_TIME span name a calendar date element (a month, or a numeric
    date)? Durations and relative times ("three weeks", "yesterday") and a bare year
    are not identifiers under HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(C))."""
    return bool(_MONTH.search(text) or _NUMERIC_DATE.search(text))


def shift_days(client_id: str, secret: str, max_days: int) -> int:
    """The client's fixed date offset: ±1…max_days days, from HMAC-SHA256(secret, id)."""
    digest = hmac.new(secret.encode(), client_id.encode(), hashlib.sha256).digest()
    magnitude = 1 + int.from_bytes(digest[:4], "big") % max(max_days, 1)
    return magnitude if digest[4] % 2 else -magnitude


def shifted(text: str, days: int) -> str | None:
    """`text` as a date moved by `days`, written "March 5, 2024" ("March 5" when the
    year is not given); None unless the text gives at least month and day."""
    first, second = datetime(2000, 1, 1), datetime(2001, 2, 2)  # noqa: DTZ001
    try:
        a = dateparser.parse(text, default=first, fuzzy=True)
        b = dateparser.parse(text, default=second, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if a.day != b.day or a.month != b.month:
        return None  # month or day missing
    moved = a + timedelta(days=days)
    same_year = a.year == b.year
    return f"{moved:%B} {moved.day}, {moved.year}" if same_year else f"{moved:%B} {moved.day}"


@dataclass
class Pseudonyms:
    """The placeholders of one payload: `assign(entity, text)` gives the same
    placeholder for the same mention; `mapping` is placeholder → first original."""

    seeds: seeded.ChartSeeds
    date_shift: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    entities: dict[str, str] = field(default_factory=dict)
    _by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def assign(self, entity: str, text: str) -> str:
        stem = self._stem(entity, text)
        key = (stem, " ".join(text.split()).casefold())
        if key not in self._by_key:
            self._by_key[key] = self._new(stem, text)
            self.mapping[self._by_key[key]] = text
            self.entities[self._by_key[key]] = entity
        return self._by_key[key]

    def _stem(self, entity: str, text: str) -> str:
        stem = STEMS.get(entity, "ID")
        if stem == "PERSON" and self.seeds.is_client(text):
            return "CLIENT"
        if stem == "PERSON" and self.seeds.is_clinician(text):
            return "CLINICIAN"
        return stem

    def _new(self, stem: str, text: str) -> str:
        if stem == "DATE" and self.date_shift is not None:
            moved = shifted(text, self.date_shift)
            if moved is not None and moved not in self.mapping:
                return moved
        count = self._counts[stem] = self._counts.get(stem, 0) + 1
        if stem in UNNUMBERED:
            return f"[{stem}]" if count == 1 else f"[{stem}_{count}]"
        return f"[{stem}_{count}]"
