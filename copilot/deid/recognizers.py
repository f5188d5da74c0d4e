"""Recognizers seeded from the chart: the client's names, birth date, identifiers,
phone numbers, emails and address, their contacts' names, and clinicians' names.

Presidio's statistical NER misses names it has not seen in context (lower-case
transcripts, unusual names); these deny-list and pattern recognizers find every
mention of what the chart already knows, case-insensitively, with score 1.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from copilot.chart import ChartContext

CLIENT_NAME = "CLIENT_NAME"
CLINICIAN_NAME = "CLINICIAN_NAME"
CONTACT_NAME = "CONTACT_NAME"
CHART_DATE = "CHART_DATE"
CHART_IDENTIFIER = "CHART_IDENTIFIER"
CHART_CONTACT = "CHART_CONTACT"  # phone, email
CHART_ADDRESS = "CHART_ADDRESS"
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "jr", "sr", "ii", "iii"}


def name_parts(name: str) -> list[str]:
    """ "Dr. Mei Chen" → ["Mei", "Chen"]: words of two letters or more, no titles."""
    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    return [w for w in words if len(w) >= 2 and w.lower().rstrip(".") not in _TITLES]


def name_forms(names: Iterable[str]) -> list[str]:
    """Full names and their parts, longest first (so a full name wins over a part)."""
    forms = {" ".join(parts) for n in names if (parts := name_parts(n))}
    forms |= {part for n in names for part in name_parts(n)}
    return sorted(forms, key=len, reverse=True)


def date_forms(value: date) -> list[str]:
    """The ways a date is written: 1990-03-05, 03/05/1990, 3/5/1990, 3/5/90,
    March 5, 1990, Mar 5, 1990, 5 March 1990, March 5th, 1990."""
    month, day, year = value.month, value.day, value.year
    full, short = f"{value:%B}", f"{value:%b}"
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return [
        value.isoformat(),
        f"{month:02d}/{day:02d}/{year}",
        f"{month}/{day}/{year}",
        f"{month}/{day}/{year % 100:02d}",
        f"{full} {day}, {year}",
        f"{short} {day}, {year}",
        f"{day} {full} {year}",
        f"{full} {day}{suffix}, {year}",
        f"{full} {day}{suffix}",
        f"{full} {day}",
    ]


def _digits_pattern(value: str) -> str | None:
    """A regex matching the digits of a phone number with any separators between them."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return None
    return r"(?<!\d)" + r"[\s().-]*".join(digits) + r"(?!\d)"


@dataclass(frozen=True)
class ChartSeeds:
    """What the chart knows identifies people in text. `client_names` are the client's
    name forms (full names and their parts), `clinician_names` the signed-in
    clinician's and every note author's, `contact_names` the client's contacts'."""

    client_names: tuple[str, ...] = ()
    clinician_names: tuple[str, ...] = ()
    contact_names: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()

    @classmethod
    def from_chart(cls, chart: ChartContext | None, clinician: str | None = None) -> ChartSeeds:
        """Seeds from `chart` (None: only the clinician) and the clinician's name."""
        authors = [n.author for n in chart.notes if n.author] if chart else []
        clinicians = tuple(name_forms([clinician or "", *authors]))
        if chart is None:
            return cls(clinician_names=clinicians)
        client = chart.client
        telecom = client.telecom
        return cls(
            client_names=tuple(name_forms([client.name, *client.other_names])),
            clinician_names=clinicians,
            contact_names=tuple(name_forms(client.contacts)),
            dates=tuple(date_forms(client.birth_date)) if client.birth_date else (),
            identifiers=tuple(dict.fromkeys(filter(None, [client.mrn, *client.identifiers]))),
            phones=tuple(t for t in telecom if "@" not in t),
            emails=tuple(t for t in telecom if "@" in t),
            addresses=client.addresses,
        )

    def recognizers(self) -> list[EntityRecognizer]:
        """Presidio recognizers for these seeds (none for an empty seed list)."""
        lists = [
            (CLIENT_NAME, self.client_names),
            (CLINICIAN_NAME, self.clinician_names),
            (CONTACT_NAME, self.contact_names),
            (CHART_DATE, self.dates),
            (CHART_IDENTIFIER, self.identifiers),
            (CHART_CONTACT, self.emails),
            (CHART_ADDRESS, self.addresses),
        ]
        found = [
            PatternRecognizer(supported_entity=entity, deny_list=list(values), name=entity)
            for entity, values in lists
            if values
        ]
        phones = [Pattern("chart phone", p, 1.0) for v in self.phones if (p := _digits_pattern(v))]
        if phones:
            found.append(PatternRecognizer(CHART_CONTACT, name="CHART_PHONE", patterns=phones))
        return found

    def is_client(self, text: str) -> bool:
        return _all_known(text, self.client_names)

    def is_clinician(self, text: str) -> bool:
        return _all_known(text, self.clinician_names)


def _all_known(text: str, forms: tuple[str, ...]) -> bool:
    """Every name word of `text` is one of the `forms` (case-insensitive)."""
    known = {f.casefold() for f in forms}
    words = [w.casefold() for w in name_parts(text)]
    return bool(words) and all(w in known for w in words)
