"""Messages drafted from the practice's templates (replies.json), filled from the chart
and the schedule. Nothing is invented: a line whose placeholder has no value (no next
appointment booked, say) is left out, and every filled value from the EHR is kept as
a source (the Patient, the Appointment)."""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from copilot.ehr.messages import Appointment

TEMPLATES_FILE = Path(__file__).parent / "replies.json"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class NoTemplate(LookupError):
    """There is no practice template for this category or kind (urgent has none)."""


@dataclass(frozen=True)
class MessageTemplate:
    """One practice template: `lines` with {placeholders}; `suggestion` for clinical
    and medication replies (a starting point only)."""

    key: str
    name: str
    lines: tuple[str, ...]
    suggestion: bool = False


@dataclass(frozen=True)
class Filled:
    """A drafted message: its text and the EHR entries it was filled from."""

    text: str
    sources: tuple[str, ...]


@cache
def all_templates() -> dict[str, MessageTemplate]:
    raw = json.loads(TEMPLATES_FILE.read_text())
    return {
        key: MessageTemplate(key, t["name"], tuple(t["lines"]), bool(t.get("suggestion")))
        for key, t in raw.items()
        if not key.startswith("_")
    }


def get_template(key: str) -> MessageTemplate:
    """The template for a triage category or outreach kind; raises NoTemplate."""
    try:
        return all_templates()[key]
    except KeyError:
        raise NoTemplate(f"No practice template answers {key!r} messages.") from None


def when(instant: datetime) -> str:
    """'Thursday, December 10 at 3:00 PM' in the practice's time zone (TIME_ZONE)."""
    local = instant.astimezone(ZoneInfo(settings.TIME_ZONE))
    hour = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%A, %B} {local.day} at {hour}"


def fill(
    template: MessageTemplate,
    *,
    client_id: str,
    client_name: str,
    clinician_name: str,
    next_appointment: Appointment | None = None,
    appointment: Appointment | None = None,
) -> Filled:
    """The template's text for this client: each line with its placeholders filled,
    lines missing a value left out, blank runs collapsed."""
    values = {
        "first_name": client_name.split()[0] if client_name.strip() else "",
        "clinician_name": clinician_name,
        "practice_name": settings.PRACTICE_NAME,
        "practice_phone": settings.PRACTICE_PHONE,
        "crisis_line": settings.CRISIS_LINE,
    }
    sources = [f"Patient/{client_id}"] if values["first_name"] else []
    if next_appointment is not None:
        values["next_appointment"] = when(next_appointment.start)
    if appointment is not None:
        values["appointment_time"] = when(appointment.start)
        values["appointment_kind"] = "telehealth session" if appointment.telehealth else "session"
        if appointment.telehealth:
            values["telehealth_line"] = (
                "It is a video session: the link will be in your portal 15 minutes before."
            )
    lines = []
    for line in template.lines:
        names = _PLACEHOLDER.findall(line)
        if any(not values.get(name) for name in names):
            continue
        lines.append(string.Formatter().vformat(line, (), values) if names else line)
        if "next_appointment" in names and next_appointment is not None:
            sources.append(next_appointment.reference)
        if {"appointment_time", "telehealth_line"} & set(names) and appointment is not None:
            sources.append(appointment.reference)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return Filled(text, tuple(dict.fromkeys(sources)))
