"""Time expressions in questions, resolved against the day the chart was read."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.qa.dates import when_in

TODAY = date(2026, 5, 31)


@pytest.mark.parametrize(
    ("question", "kind", "start", "end"),
    [
        ("PHQ-9 three months ago?", "point", date(2026, 2, 28), date(2026, 2, 28)),
        ("GAD-7 a month ago", "point", date(2026, 4, 30), date(2026, 4, 30)),
        ("score 2 weeks ago", "point", date(2026, 5, 17), date(2026, 5, 17)),
        ("PHQ-9 on 2026-03-04", "point", date(2026, 3, 4), date(2026, 3, 4)),
        ("PHQ-9 on 3/4/2026", "point", date(2026, 3, 4), date(2026, 3, 4)),
        ("PHQ-9 on March 4", "point", date(2026, 3, 4), date(2026, 3, 4)),
        ("PHQ-9 on 4 March 2025", "point", date(2025, 3, 4), date(2025, 3, 4)),
        ("PHQ-9 in March", "range", date(2026, 3, 1), date(2026, 3, 31)),
        ("PHQ-9 in December", "range", date(2025, 12, 1), date(2025, 12, 31)),  # latest December
        ("between March and May", "range", date(2026, 3, 1), date(2026, 5, 31)),
        ("from 2026-01-02 to 2026-02-03", "range", date(2026, 1, 2), date(2026, 2, 3)),
        ("in the past 6 weeks", "range", date(2026, 4, 19), TODAY),
        ("since January", "since", date(2026, 1, 1), TODAY),
        ("since 2026-02-01", "since", date(2026, 2, 1), TODAY),
    ],
)
def test_time_expressions_resolve(question, kind, start, end):
    when = when_in(question, TODAY)
    assert (when.kind, when.start, when.end) == (kind, start, end)


@pytest.mark.parametrize("question", ["latest PHQ-9", "May I ask about sleep?", "last PHQ-9"])
def test_questions_without_a_time_have_none(question):
    assert when_in(question, TODAY) is None
