"""Claim scrubbing: each rule of scrub_rules.json checked against a ClaimDraft, every
finding pointing at the note sentence or the claim field that triggered it.

A finding of severity "error" keeps the claim from being approved until it is fixed
(or the note is); a "warning" asks the biller to look. Rules and their sources:
scrub_rules.json.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from copilot.chart import ChartContext
from copilot.coding import rules as cpt

from .claim import TELEHEALTH, ClaimDraft, note_sentences, note_supports
from .rules import RULES


@dataclass(frozen=True)
class Finding:
    """One rule the claim breaks: `rule` (scrub_rules.json key), its title, severity and
    source; `message` for the biller; `points_to` the note sentence ("note": quoted)
    or the claim field ("field": e.g. "item[1].modifier") that triggered it."""

    rule: str
    message: str
    points_to: str
    where: str  # "note" or "field"

    @property
    def title(self) -> str:
        return RULES[self.rule]["title"]

    @property
    def severity(self) -> str:
        return RULES[self.rule]["severity"]

    @property
    def source(self) -> str:
        return RULES[self.rule]["source"]


def scrub(
    claim: ClaimDraft, chart: ChartContext, *, billed: Collection[tuple[str, str, date]] = ()
) -> list[Finding]:
    """Every finding on `claim`. `billed`: (client id, CPT code, service date) of the
    claims already drafted or sent for this practice, for the duplicate rule."""
    return [
        *_time_supports_code(claim),
        *_addon_without_primary(claim),
        *_telehealth_modifier_pos(claim),
        *_diagnosis_in_note(claim),
        *_diagnosis_specific(claim, chart),
        *_supervising_provider(claim),
        *_duplicate_claim(claim, billed),
    ]


def blocking(findings: Collection[Finding]) -> bool:
    """Does any finding stop the claim from being approved?"""
    return any(f.severity == "error" for f in findings)


def _time_sentence(claim: ClaimDraft) -> str:
    for line in claim.lines:
        for evidence in line.evidence:
            if evidence.source == "note" and any(ch.isdigit() for ch in evidence.text):
                return evidence.text
    return ""


def _time_supports_code(claim: ClaimDraft):
    bands = {band.code: band for band in cpt.PSYCHOTHERAPY}
    for index, line in enumerate(claim.lines):
        band = bands.get(line.code)
        if band is None:
            continue
        where, points = ("note", _time_sentence(claim)) if _time_sentence(claim) else ("field", "")
        if claim.minutes is None:
            yield Finding(
                "time_supports_code",
                f"{line.code} is a time-based code, but the note documents no session time.",
                points or f"item[{index}].productOrService",
                where if points else "field",
            )
        elif not band.covers(claim.minutes):
            right = next((b.code for b in cpt.PSYCHOTHERAPY if b.covers(claim.minutes)), None)
            should = f"; {claim.minutes} minutes supports {right}" if right else ""
            yield Finding(
                "time_supports_code",
                f"{line.code} needs {band.low}"
                f"{'+' if band.high is None else f'-{band.high}'} minutes{should}.",
                points or f"item[{index}].productOrService",
                where,
            )


def _addon_without_primary(claim: ClaimDraft):
    primaries = RULES["addon_without_primary"]["primaries"]
    codes = set(claim.codes)
    for index, line in enumerate(claim.lines):
        allowed = primaries.get(line.code)
        if allowed is not None and not codes & set(allowed):
            yield Finding(
                "addon_without_primary",
                f"{line.code} is an add-on: bill it with {', '.join(allowed)}.",
                f"item[{index}].productOrService",
                "field",
            )


def _telehealth_modifier_pos(claim: ClaimDraft):
    rule = RULES["telehealth_modifier_pos"]
    said = next((s for s in note_sentences(claim.note_text) if TELEHEALTH.search(s)), "")
    for index, line in enumerate(claim.lines):
        if claim.telehealth and rule["modifier"] not in line.modifiers:
            yield Finding(
                "telehealth_modifier_pos",
                f"A telehealth session: add modifier {rule['modifier']} to {line.code}.",
                said or f"item[{index}].modifier",
                "note" if said else "field",
            )
        if claim.telehealth and line.place not in rule["places"]:
            yield Finding(
                "telehealth_modifier_pos",
                f"A telehealth session is billed at place of service "
                f"{' or '.join(rule['places'])}, not {line.place}.",
                f"item[{index}].locationCodeableConcept",
                "field",
            )
        if not claim.telehealth and (
            rule["modifier"] in line.modifiers or line.place in rule["places"]
        ):
            yield Finding(
                "telehealth_modifier_pos",
                "The note does not say the session was by telehealth, but the line is billed "
                "as one.",
                f"item[{index}].modifier",
                "field",
            )


def _diagnosis_in_note(claim: ClaimDraft):
    for index, dx in enumerate(claim.diagnoses):
        if not note_supports(claim.note_text, dx):
            yield Finding(
                "diagnosis_in_note",
                f"{dx.code} ({dx.display}) is not addressed in the note: document it or "
                "remove it from the claim.",
                f"diagnosis[{index}]",
                "field",
            )


def _diagnosis_specific(claim: ClaimDraft, chart: ChartContext):
    charted = [d for d in chart.diagnoses if d.icd10]
    for index, dx in enumerate(claim.diagnoses):
        if "unspecified" not in dx.display.lower():
            continue
        specific = [
            d
            for d in charted
            if d.icd10[:3] == dx.code[:3]
            and d.icd10 != dx.code
            and "unspecified" not in d.display.lower()
        ]
        if specific:
            better = specific[0]
            yield Finding(
                "diagnosis_specific",
                f"{dx.code} is unspecified; the chart holds {better.icd10} ({better.display}).",
                f"diagnosis[{index}]",
                "field",
            )


def _supervising_provider(claim: ClaimDraft):
    if claim.pre_licensed and claim.supervising is None:
        yield Finding(
            "supervising_provider",
            f"{claim.rendering.display} is pre-licensed: name the supervising provider.",
            "careTeam[supervisor]",
            "field",
        )


def _duplicate_claim(claim: ClaimDraft, billed: Collection[tuple[str, str, date]]):
    for index, line in enumerate(claim.lines):
        if (claim.client_id, line.code, claim.service_date) in billed:
            yield Finding(
                "duplicate_claim",
                f"{line.code} on {claim.service_date:%Y-%m-%d} is already billed for this client.",
                f"item[{index}].servicedDate",
                "field",
            )
