"""Time expressions in a clinician's question, resolved against the day the chart was read.

`when_in(question, today)` understands, case-insensitively:
- a date: "2025-03-04", "3/4/2025" (US month/day), "March 4", "4 March 2025";
- a month: "in March", "during May 2025" (a month with no year is the latest one
  not after `today`);
- a distance back: "three months ago", "2 weeks ago", "a year ago", "last month";
- a window up to today: "in the past 6 weeks", "over the last two months";
- "since <date or month>", "between <A> and <B>", "from <A> to <B>".

Explicit dates are parsed by python-dateutil; arithmetic on months is dateutil's
relativedelta (so "one month ago" on May 31 is April 30).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

WhenKind = Literal["point", "range", "since"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_NUMBER = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a few": 3, "couple of": 2, "few": 3,
}  # fmt: skip
_COUNT = (
    r"(?P<count>\d{1,3}|a couple of|a few|couple of|few|an?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve)"
)
_UNIT = r"(?P<unit>day|week|month|year)s?"

_ISO = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b")
_US = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_MONTH_DAY = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})"
    r"(?:,?\s+\d{4})?\b",
    re.IGNORECASE,
)
_MONTH_ONLY = re.compile(
    rf"\b(?:in|during|of|since|from|between|and|to|until|through)\s+(?P<month>{_MONTH}"
    r"(?:\s+\d{4})?)\b",
    re.IGNORECASE,
)
_AGO = re.compile(rf"\b{_COUNT}\s+{_UNIT}\s+ago\b", re.IGNORECASE)
_LAST_UNIT = re.compile(r"\blast\s+(?P<unit>week|month|year)\b", re.IGNORECASE)
_WINDOW = re.compile(
    rf"\b(?:in|over|during|within|for)\s+the\s+(?:past|last|previous)\s+(?:{_COUNT}\s+)?{_UNIT}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class When:
    """A resolved time expression: `point` (start == end, the date asked about),
    `range` (start..end inclusive) or `since` (start..today). `phrase` is the words
    of the question it came from."""

    kind: WhenKind
    start: date
    end: date
    phrase: str


@dataclass(frozen=True)
class _Found:
    begin: int
    finish: int
    start: date
    end: date
    exact: bool  # a day (True) or a whole month (False)


def when_in(question: str, today: date) -> When | None:
    """The time the question asks about, or None when it names none."""
    window = _WINDOW.search(question)
    if window:
        back = _delta(window["count"] or "1", window["unit"])
        return When("range", today - back, today, window.group(0))
    found = _expressions(question, today)
    if not found:
        return None
    first = found[0]
    before = question[: first.begin].lower().split()[-1:] or [""]
    if before[0] in ("since", "after"):
        return When("since", first.start, today, question[first.begin : first.finish])
    if before[0] in ("between", "from") and len(found) > 1:
        last = found[1]
        return When("range", first.start, last.end, question[first.begin : last.finish])
    kind: WhenKind = "point" if first.exact else "range"
    return When(kind, first.start, first.end, question[first.begin : first.finish])


def _expressions(question: str, today: date) -> list[_Found]:
    """Every date, month and distance-back in the question, in reading order."""
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, resolve in (
        (_ISO, _exact_date),
        (_US, _exact_date),
        (_MONTH_DAY, _exact_date),
        (_AGO, _ago),
        (_LAST_UNIT, _ago),
        (_MONTH_ONLY, _month),
    ):
        for match in pattern.finditer(question):
            span = match.span("month") if "month" in pattern.groupindex else match.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            resolved = resolve(match, today)
            if resolved:
                taken.append(span)
                found.append(_Found(span[0], span[1], *resolved))
    return sorted(found, key=lambda f: f.begin)


def _exact_date(match: re.Match[str], today: date) -> tuple[date, date, bool] | None:
    text = match.group(0)
    has_year = bool(re.search(r"\d{4}|/\d{2}\b", text))
    try:
        day = date_parser.parse(text, default=datetime(today.year, 1, 1)).date()  # noqa: DTZ001 (only .date() is used)
    except (ValueError, OverflowError):
        return None
    if not has_year and day > today:
        day -= relativedelta(years=1)
    return day, day, True


def _ago(match: re.Match[str], today: date) -> tuple[date, date, bool]:
    groups = match.groupdict()
    day = today - _delta(groups.get("count") or "1", groups["unit"])
    return day, day, True


def _month(match: re.Match[str], today: date) -> tuple[date, date, bool] | None:
    text = match["month"]
    try:
        first = date_parser.parse(text, default=datetime(today.year, 1, 1)).date()  # noqa: DTZ001 (only .date() is used)
    except (ValueError, OverflowError):
        return None
    first = first.replace(day=1)
    if not re.search(r"\d{4}", text) and first > today:
        first -= relativedelta(years=1)
    return first, first + relativedelta(months=1, days=-1), False


def _delta(count: str, unit: str) -> relativedelta:
    count = count.lower().strip()
    number = int(count) if count.isdigit() else _NUMBER[count]
    return relativedelta(**{f"{unit.lower()}s": number})
