"""Progress-note templates (SOAP, DAP, BIRP, GIRP), defined as data in templates.json.

A practice adds its own by pointing NOTE_TEMPLATES_FILE at a JSON file of the same
shape; a template there with the key of a built-in one replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

BUILT_IN = Path(__file__).with_name("templates.json")
ROLES = frozenset(
    {"subjective", "objective", "assessment", "plan", "intervention", "response", "goals"}
)
CHART_FACTS = frozenset({"measures", "diagnoses", "goals", "medications", "next_visit", "risk"})


class UnknownTemplate(LookupError):
    """No template with this key."""


@dataclass(frozen=True)
class DocumentType:
    """The DocumentReference.type coding a template's notes are written with
    (`system`, `code`, `display`), e.g. LOINC 11506-3 "Progress note"."""

    system: str
    code: str
    display: str


PROGRESS_NOTE = DocumentType("http://loinc.org", "11506-3", "Progress note")


@dataclass(frozen=True)
class RequiredItem:
    """Something a section must document. `cues` are words or phrases whose presence in
    the section's sentences shows it was documented; otherwise the engine writes a
    "[clinician to complete: <item>]" placeholder. A cue matches whole words ("will" is
    not "willing", "harm" is not "pharmacy"); a trailing `*` makes it a stem
    ("improv*" meets "improved"); "@risk" is met by any sentence in which
    copilot.drafting.risk finds a risk statement or its denial ("Client denies
    thoughts of hurting themselves.")."""

    item: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    holds: str
    roles: tuple[str, ...]
    chart: tuple[str, ...]
    required: tuple[RequiredItem, ...]


@dataclass(frozen=True)
class NoteTemplate:
    key: str
    name: str
    description: str
    sections: tuple[SectionSpec, ...]
    document_type: DocumentType = PROGRESS_NOTE
    input_required: bool = True

    def section(self, key: str) -> SectionSpec:
        return next(s for s in self.sections if s.key == key)

    def section_for_role(self, role: str) -> SectionSpec | None:
        """The first section that takes sentences of `role`, or None."""
        return next((s for s in self.sections if role in s.roles), None)


def _parse(data: dict) -> NoteTemplate:
    sections = []
    for raw in data["sections"]:
        roles, chart = tuple(raw.get("roles", [])), tuple(raw.get("chart", []))
        if not set(roles) <= ROLES or not set(chart) <= CHART_FACTS:
            raise ValueError(
                f"template {data['key']!r} section {raw['key']!r}: unknown role or fact"
            )
        required = tuple(
            RequiredItem(r["item"], tuple(r.get("cues", []))) for r in raw.get("required", [])
        )
        sections.append(SectionSpec(raw["key"], raw["title"], raw["holds"], roles, chart, required))
    document_type = DocumentType(**data["document_type"]) if "document_type" in data else None
    return NoteTemplate(
        data["key"],
        data["name"],
        data.get("description", ""),
        tuple(sections),
        document_type=document_type or PROGRESS_NOTE,
        input_required=bool(data.get("input_required", True)),
    )


def _read(path: Path) -> dict[str, NoteTemplate]:
    templates = json.loads(path.read_text(encoding="utf-8"))["templates"]
    return {t["key"]: _parse(t) for t in templates}


@cache
def load_templates(extra_file: str | None = None) -> dict[str, NoteTemplate]:
    """Every template by key: the built-in ones, then those of `extra_file`."""
    templates = _read(BUILT_IN)
    if extra_file:
        templates.update(_read(Path(extra_file)))
    return templates


def all_templates() -> dict[str, NoteTemplate]:
    return load_templates(getattr(settings, "NOTE_TEMPLATES_FILE", "") or None)


def get_template(key: str) -> NoteTemplate:
    """The template with this key; raises UnknownTemplate."""
    try:
        return all_templates()[key]
    except KeyError:
        raise UnknownTemplate(f"There is no note template {key!r}.") from None
