"""What may go in a prompt, and which providers count as local.

Psychotherapy notes: HIPAA 45 CFR 164.501 (definition) and 164.508(a)(2) (an
authorization is needed for nearly any use or disclosure), labeled in the EHR with
`meta.security` PSYTHPN (HL7 v3 ActCode, ActInformationSensitivityPolicy
"psychotherapy note information sensitivity"). Substance-use records: 42 CFR Part 2
(2.32: no redisclosure without written consent), labeled 42CFRPart2 (same code
system). Neither is placed in any prompt, for a local or an external model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings

from copilot.chart import ChartContext

PART2 = "42CFRPart2"
PSYCHOTHERAPY = "PSYTHPN"
# Hosted services never count as local, whatever LLM_LOCAL_PROVIDERS says.
HOSTED_PROVIDERS = frozenset({"openai", "azure_openai", "anthropic"})
_QUOTE_CHARS = 40  # a withheld sentence this long found in a prompt is a quotation

E = TypeVar("E")


class PolicyError(Exception):
    """A prompt would carry withheld content; `message` is safe to show the clinician."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Withheld:
    """A chart entry kept out of a prompt: its FHIR reference and the label that kept
    it out (PART2 or PSYCHOTHERAPY). `text` serves only the quotation check and is
    left out of `as_dict()` (the ledger records that it was withheld, not what)."""

    reference: str
    label: str
    text: str = field(default="", repr=False, compare=False)

    def as_dict(self) -> dict[str, str]:
        return {"reference": self.reference, "label": self.label}


def is_local_provider(provider: str) -> bool:
    """Whether `provider` (an LLM_PROVIDER value) runs on the practice's own machines and
    so needs no de-identification: only when listed in LLM_LOCAL_PROVIDERS and not a
    hosted service (openai, azure_openai, anthropic). Unknown or blank → external."""
    listed = {p.strip() for p in settings.LLM_LOCAL_PROVIDERS if p.strip()}
    return bool(provider) and provider in listed and provider not in HOSTED_PROVIDERS


def _label_of(entry: Any) -> str | None:
    if getattr(entry, "psychotherapy", False):
        return PSYCHOTHERAPY
    return PART2 if getattr(entry, "restricted", False) else None


def _text_of(entry: Any) -> str:
    return getattr(entry, "text", None) or getattr(entry, "display", None) or ""


def withhold(entries: Iterable[E]) -> tuple[list[E], tuple[Withheld, ...]]:
    """Split chart entries (anything with `source` and `restricted`, and optionally
    `psychotherapy`: Note, Diagnosis, Passage …) into those a prompt may carry, in
    order, and Withheld records of the others."""
    kept: list[E] = []
    withheld: list[Withheld] = []
    for entry in entries:
        label = _label_of(entry)
        if label is None:
            kept.append(entry)
        else:
            withheld.append(Withheld(entry.source, label, _text_of(entry)))  # type: ignore[attr-defined]
    return kept, tuple(withheld)


def withheld_from_chart(chart: ChartContext) -> tuple[Withheld, ...]:
    """Every labeled entry of the chart (diagnoses, medications, goals, notes)."""
    entries = [*chart.diagnoses, *chart.medications, *chart.goals, *chart.notes]
    return withhold(entries)[1]


def _sentences(text: str) -> list[str]:
    pieces = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [" ".join(p.split()) for p in pieces if len(p.strip()) >= _QUOTE_CHARS]


def check_not_quoted(
    prompt: str, withheld: Sequence[Withheld], allowed: Sequence[str] = ()
) -> None:
    """Raise PolicyError when `prompt` quotes a sentence (≥ 40 characters, whitespace
    and case normalized) of a withheld entry that none of the `allowed` texts (the
    entries the prompt may carry) also holds: the last check before anything is sent."""
    flat = _flat(prompt)
    permitted = _flat("\n".join(allowed))
    for item in withheld:
        quoted = (s for s in _sentences(item.text) if s.casefold() in flat)
        if any(s.casefold() not in permitted for s in quoted):
            kind = "psychotherapy note" if item.label == PSYCHOTHERAPY else "42 CFR Part 2 record"
            raise PolicyError(
                f"The text quotes a {kind}, which is never sent to an AI model. "
                "Remove that passage and try again."
            )


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()
