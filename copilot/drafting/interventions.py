"""The named interventions a clinician used in a session, read from what they said.

A therapy note names its method ("Behavioral activation: reviewed the activity log";
"Completed a chain analysis"), and a transcript rarely says it in those words. The
clinician does use the method's own vocabulary: "mastery and pleasure" ratings,
"link by link", "stuck points", "a repair attempt". `interventions.json` lists, for
each intervention, its name, the source that defines it and the terms only it uses;
`named_interventions` finds them in the clinician's sentences and writes one
statement for the note, citing every sentence that named one:

    "Interventions: behavioral activation (activity log, mastery and pleasure);
    safety planning (safety plan)."

Only the clinician's own sentences are read (a client who "read about CBT" did not
receive it), and an intervention is named only by its listed terms, so nothing is
stated that the session does not show; the clinician reviews it like any sentence.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .text import Segment

DATA_FILE = Path(__file__).parent / "interventions.json"


@dataclass(frozen=True)
class Intervention:
    """One entry of interventions.json: `name` as written in a note, its `source`,
    `terms`, its terms (case-insensitive) and acronyms (case-sensitive), shown beside
    the name, and `cues`, phrasings that show it without naming it, cited only; each
    one whole-word pattern (`cues` None when the entry has none)."""

    name: str
    source: str
    terms: re.Pattern[str]
    cues: re.Pattern[str] | None = None


@cache
def catalogue(path: Path = DATA_FILE) -> tuple[Intervention, ...]:
    """The interventions of `path`, in file order. Raises ValueError naming the entry
    whose pattern does not compile."""
    entries = json.loads(path.read_text(encoding="utf-8"))["interventions"]
    found = []
    for entry in entries:
        terms = [f"(?i:{p})" for p in entry.get("terms", ())]
        terms += [f"(?-i:{p})" for p in entry.get("acronyms", ())]
        cues = [f"(?i:{p})" for p in entry.get("cues", ())]
        try:
            found.append(
                Intervention(
                    entry["name"],
                    entry["source"],
                    _whole_words(terms),
                    _whole_words(cues) if cues else None,
                )
            )
        except re.error as error:
            raise ValueError(f"interventions.json: {entry['name']}: {error}") from error
    return tuple(found)


def _whole_words(alternatives: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


@dataclass(frozen=True)
class Named:
    """An intervention found in a session: its name, the terms the clinician used
    (as said, first use first, case-folded repeats dropped) and the sentences that
    used them, in order."""

    name: str
    terms: tuple[str, ...]
    segments: tuple[Segment, ...]


def named_interventions(segments: list[Segment]) -> list[Named]:
    """The interventions the clinician's sentences (speaker "clinician") name or show,
    in order of first mention. One whose name another found name holds ("exposure",
    beside "exposure and response prevention") is folded into that one."""
    found: dict[str, tuple[list[str], list[Segment]]] = {}
    for segment in segments:
        if segment.speaker != "clinician":
            continue
        for intervention in catalogue():
            terms = [m.group() for m in intervention.terms.finditer(segment.text)]
            shown = intervention.cues is not None and intervention.cues.search(segment.text)
            if not terms and not shown:
                continue
            said, cited = found.setdefault(intervention.name, ([], []))
            said += [t for t in terms if t.lower() not in {s.lower() for s in said}]
            cited.append(segment)
    for name in list(found):
        wider = next((other for other in found if other != name and name in other), None)
        if wider:
            said, cited = found.pop(name)
            found[wider][0].extend(said)
            found[wider][1].extend(cited)
    return [
        Named(name, tuple(said), tuple(sorted(set(cited), key=lambda s: s.start)))
        for name, (said, cited) in found.items()
    ]


def statement(named: list[Named]) -> str:
    """One note sentence for the interventions found ("" for none): each name with
    the clinician's terms that differ from it in parentheses."""
    parts = []
    for n in named:
        terms: list[str] = []
        for term in (_as_written(t) for t in n.terms):
            folded = term.lower().removesuffix("s")
            if folded in n.name.lower() or n.name.lower() in term.lower():
                continue
            if all(folded != t.lower().removesuffix("s") for t in terms):
                terms.append(term)
        parts.append(f"{n.name} ({', '.join(terms)})" if terms else n.name)
    return f"Interventions: {'; '.join(parts)}." if parts else ""


def _as_written(term: str) -> str:
    """A term as a note writes it: lower case, but acronyms (SUDS, DEAR MAN) and "I"
    as said."""
    return " ".join(
        w if w.isupper() or w.startswith("I'") or w == "I" else w.lower() for w in term.split()
    )
