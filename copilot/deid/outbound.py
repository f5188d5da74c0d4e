"""The seam every prompt passes before a chat model: `outbound(prompt, …)`.

It checks the withheld-content policy, then, for an external provider,
de-identifies the prompt with Presidio (spaCy NER + pattern recognizers + the
chart-seeded recognizers) and consistent placeholders. The `Outbound` it returns
is the exact payload and the record of what was replaced and withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from presidio_anonymizer.entities import ConflictResolutionStrategy, OperatorConfig

from copilot.chart import ChartContext

from . import engines
from .policy import Withheld, check_not_quoted, is_local_provider
from .pseudonyms import Pseudonyms, is_calendar_date, shift_days
from .recognizers import ChartSeeds
from .stream import StreamReidentifier, replace_all

# Presidio's entity types that are HIPAA identifiers (45 CFR 164.514(b)(2)); NRP,
# US_ITIN and the like are left out, as are low-evidence matches (score < 0.4).
PRESIDIO_ENTITIES = [
    "PERSON",
    "DATE_TIME",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "US_SSN",
    "MEDICAL_LICENSE",
    "US_PASSPORT",
    "US_BANK_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "LOCATION",
    "URL",
    "IP_ADDRESS",
]
SCORE_THRESHOLD = 0.4
# Clinical words that spaCy's NER takes for people or places ("GAD-7" as a PERSON,
# "Client's" or "(+29%)" as a LOCATION): a span that is wholly one of these is no
# identifier. Instruments: PHQ-9/PHQ-2 (Kroenke 2001), GAD-7 (Spitzer 2006), C-SSRS,
# PCL-5, AUDIT(-C), DAST-10, EPDS, MDQ, ASRS, BDI-II, BAI, MoCA, MMSE.
CLINICAL_ALLOW_LIST = [
    r"^(?:PHQ|GAD|PCL|AUDIT|DAST|C-?SSRS|EPDS|MDQ|ASRS|BDI|BAI|MoCA|MMSE)(?:-[0-9A-Z]{1,3})*"
    r"(?: item \d+)?(?:'s|’s)?$",
    r"^(?:the )?(?:client|patient|therapist|clinician|counselor|provider|supervisor)"
    r"(?:s|'s|’s)?$",
    r"^\(?[+\-−]?\d+(?:\.\d+)?\s?%\)?$",
]
PLACEHOLDER_NOTE = (
    "\n\n(Identifying details above are replaced by placeholders in square brackets; "
    "write each placeholder exactly as it appears.)"
)


@dataclass(frozen=True)
class Replacement:
    """One identifier taken out of the payload: `placeholder` (or shifted date) sent in
    place of `original`, found as Presidio entity type `entity`."""

    placeholder: str
    original: str
    entity: str

    def as_dict(self) -> dict[str, str]:
        return {"placeholder": self.placeholder, "original": self.original, "entity": self.entity}


@dataclass(frozen=True)
class Outbound:
    """What goes to the model for one call. `payload` is the exact text sent; `external`
    whether it was de-identified for a non-local provider; `replacements` and `withheld`
    are for the AI ledger (issue 7) and for mapping the reply back."""

    payload: str
    provider: str
    external: bool
    replacements: tuple[Replacement, ...] = ()
    withheld: tuple[Withheld, ...] = ()

    @property
    def mapping(self) -> dict[str, str]:
        return {r.placeholder: r.original for r in self.replacements}

    def reidentify(self, text: str) -> str:
        """`text` with every placeholder (or shifted date) put back to its original."""
        return replace_all(text, self.mapping)

    def reidentifier(self) -> StreamReidentifier:
        """A re-identifier for the reply as it streams (placeholders split over chunks)."""
        return StreamReidentifier(self.mapping)

    def as_dict(self) -> dict:
        return {
            "payload": self.payload,
            "provider": self.provider,
            "external": self.external,
            "replacements": [r.as_dict() for r in self.replacements],
            "withheld": [w.as_dict() for w in self.withheld],
        }


def outbound(
    prompt: str,
    *,
    chart: ChartContext | None = None,
    clinician: str | None = None,
    withheld: Sequence[Withheld] = (),
    allowed: Sequence[str] = (),
    provider: str | None = None,
) -> Outbound:
    """The payload for `prompt` to `provider` (default LLM_PROVIDER).

    `chart` and `clinician` (display name) seed the recognizers; `withheld` are the
    entries kept out of the prompt (policy.withhold) and `allowed` the texts it may
    carry. Raises PolicyError when the prompt quotes a withheld entry in words that
    no allowed text holds. CPU-bound (spaCy): call it off the event loop.
    """
    provider = settings.LLM_PROVIDER if provider is None else provider
    check_not_quoted(prompt, withheld, allowed)
    if is_local_provider(provider):
        return Outbound(prompt, provider, external=False, withheld=tuple(withheld))
    shift = _date_shift(chart)
    text, pseudonyms = deidentify(prompt, ChartSeeds.from_chart(chart, clinician), shift)
    replacements = tuple(
        Replacement(placeholder, original, pseudonyms.entities[placeholder])
        for placeholder, original in pseudonyms.mapping.items()
    )
    payload = text + PLACEHOLDER_NOTE if replacements else text
    return Outbound(payload, provider, True, replacements, tuple(withheld))


def _date_shift(chart: ChartContext | None) -> int | None:
    if settings.DEID_DATES != "shift":
        return None
    client_id = chart.client.id if chart else ""
    return shift_days(client_id, settings.SECRET_KEY, settings.DEID_DATE_SHIFT_MAX_DAYS)


def deidentify(
    text: str, seeds: ChartSeeds, date_shift: int | None = None
) -> tuple[str, Pseudonyms]:
    """`text` with every identifier found replaced by its placeholder, and the
    placeholders given. `seeds` may be empty (Presidio alone)."""
    recognizers = seeds.recognizers()
    entities = PRESIDIO_ENTITIES + [r.supported_entities[0] for r in recognizers]
    results = engines.analyzer().analyze(
        text,
        language="en",
        entities=entities,
        ad_hoc_recognizers=recognizers or None,
        score_threshold=SCORE_THRESHOLD,
        allow_list=CLINICAL_ALLOW_LIST,
        allow_list_match="regex",
    )
    results = [r for r in results if r.entity_type != "DATE_TIME" or _is_date(text, r)]
    pseudonyms = Pseudonyms(seeds, date_shift)
    operators = {
        entity: OperatorConfig("custom", {"lambda": _assigner(pseudonyms, entity)})
        for entity in {r.entity_type for r in results}
    }
    anonymized = engines.anonymizer().anonymize(
        text,
        results,
        operators=operators,
        conflict_resolution=ConflictResolutionStrategy.REMOVE_INTERSECTIONS,
    )
    return anonymized.text, pseudonyms


def _is_date(text: str, result) -> bool:
    return is_calendar_date(text[result.start : result.end])


def _assigner(pseudonyms: Pseudonyms, entity: str):
    return lambda mention: pseudonyms.assign(entity, mention)
