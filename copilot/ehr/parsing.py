"""FHIR R4 resources (JSON) to ChartContext entries.

Each resource is validated with fhir.resources (R4B models, a superset of what we
read from R4) before it is read; one that does not validate is skipped and logged
by reference and error location only, never with its content (it may hold PHI).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from fhir.resources.R4B import (
    careplan,
    careteam,
    condition,
    documentreference,
    encounter,
    goal,
    medicationrequest,
    medicationstatement,
    observation,
    patient,
)
from fhir.resources.R4B.codeableconcept import CodeableConcept
from pydantic import ValidationError

from copilot.chart import (
    CareTeamMember,
    ClientSummary,
    Diagnosis,
    Goal,
    Medication,
    Note,
    TreatmentPlan,
    Visit,
)
from copilot.chart import Client as ChartClient
from copilot.measures import INSTRUMENTS, Instrument, MeasureResult

logger = logging.getLogger(__name__)

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PRONOUNS_EXTENSION = "http://hl7.org/fhir/StructureDefinition/individual-pronouns"
PART2_LABEL = "42CFRPart2"
# HL7 v3 ActCode PSYTHPN "psychotherapy note information sensitivity"
# (v3-ActInformationSensitivityPolicy): the label for HIPAA psychotherapy notes.
PSYCHOTHERAPY_LABEL = "PSYTHPN"

T = TypeVar("T")


def parse_all(
    resources: Iterable[dict[str, Any]], build: Callable[[dict[str, Any]], T | None]
) -> tuple[list[T], int]:
    """Apply `build` to each resource; returns (built entries, number skipped).

    `build` returns None for a valid resource that is not wanted; a resource that
    fails validation or reading counts as skipped and is logged.
    """
    built: list[T] = []
    skipped = 0
    for resource in resources:
        try:
            entry = build(resource)
        except (ValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
            skipped += 1
            logger.warning("Skipped malformed %s: %s", reference_of(resource), _where(exc))
            continue
        if entry is not None:
            built.append(entry)
    return built, skipped


def reference_of(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType', '?')}/{resource.get('id', '?')}"


def _where(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        locations = [".".join(str(part) for part in error["loc"]) for error in exc.errors()]
        return f"invalid at {', '.join(locations[:5])}"
    return type(exc).__name__


def _concept_text(concept: CodeableConcept | None) -> str | None:
    if concept is None:
        return None
    if concept.text:
        return concept.text
    for coding in concept.coding or []:
        if coding.display:
            return coding.display
    return None


def code_in(concept: CodeableConcept | None, system: str | None = None) -> str | None:
    """The code of the concept's first coding in `system` (any system when None)."""
    for coding in (concept.coding if concept else None) or []:
        if system is None or coding.system == system:
            return coding.code
    return None


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def age_on(birth_date: date | None, today: date) -> int | None:
    """Whole years between `birth_date` and `today` (None when birth date is unknown)."""
    if birth_date is None:
        return None
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def _name(model: patient.Patient) -> str:
    names = model.name or []
    chosen = next((n for n in names if n.use == "official"), names[0] if names else None)
    if chosen is None:
        return "(no name recorded)"
    if chosen.text:
        return chosen.text
    return " ".join([*(chosen.given or []), chosen.family or ""]).strip() or "(no name recorded)"


def _human_name(name: Any) -> str:
    return name.text or " ".join([*(name.given or []), name.family or ""]).strip()


def _identifying(model: patient.Patient) -> dict[str, tuple[str, ...]]:
    """The Patient's other names, identifier values, phones and emails, street lines and
    postal codes, and contacts' names, for ChartClient (see its docstring)."""
    names = [_human_name(n) for n in model.name or []]
    addresses = [
        part for a in model.address or [] for part in [*(a.line or []), a.postalCode] if part
    ]
    contacts = [_human_name(c.name) for c in model.contact or [] if c.name]
    return {
        "other_names": tuple(n for n in names if n and n != _name(model)),
        "identifiers": tuple(i.value for i in model.identifier or [] if i.value),
        "telecom": tuple(t.value for t in model.telecom or [] if t.value),
        "addresses": tuple(addresses),
        "contacts": tuple(c for c in contacts if c),
    }


def _mrn(model: patient.Patient) -> str | None:
    for identifier in model.identifier or []:
        codes = [c.code for c in (identifier.type.coding or [])] if identifier.type else []
        if "MR" in codes:
            return identifier.value
    return None


def _pronouns(model: patient.Patient) -> str | None:
    for extension in model.extension or []:
        if extension.url != PRONOUNS_EXTENSION:
            continue
        for part in extension.extension or []:
            if part.url == "value":
                return _concept_text(part.valueCodeableConcept)
    return None


def build_client(resource: dict[str, Any], *, today: date) -> ChartClient:
    """Patient → Client (name, age on `today` or at death, gender, pronouns, MRN)."""
    model = patient.Patient.model_validate(resource)
    birth_date = _as_date(model.birthDate)
    deceased = _as_date(model.deceasedDateTime)
    return ChartClient(
        id=model.id,
        name=_name(model),
        birth_date=birth_date,
        age=age_on(birth_date, deceased or today),
        gender=model.gender,
        pronouns=_pronouns(model),
        mrn=_mrn(model),
        deceased=deceased,
        **_identifying(model),
    )


def build_client_summary(resource: dict[str, Any]) -> ClientSummary:
    """Patient → one client-picker row."""
    model = patient.Patient.model_validate(resource)
    return ClientSummary(
        id=model.id,
        name=_name(model),
        birth_date=_as_date(model.birthDate),
        gender=model.gender,
        mrn=_mrn(model),
    )


def is_part2(model: Any) -> bool:
    """Is the resource labeled 42 CFR Part 2 substance-use information
    (`meta.security` code 42CFRPart2, HL7 v3 ActCode)?"""
    meta = getattr(model, "meta", None)
    return any(label.code == PART2_LABEL for label in (meta.security or [] if meta else []))


def is_psychotherapy_note(model: Any) -> bool:
    """Is the resource labeled a psychotherapy note (`meta.security` code PSYTHPN, HL7
    v3 ActCode)? HIPAA 45 CFR 164.501 defines psychotherapy notes as a mental health
    professional's notes of counseling-session conversation kept apart from the rest of
    the record; they need the client's own authorization for nearly every use."""
    meta = getattr(model, "meta", None)
    labels = (meta.security or []) if meta else []
    return any(label.code == PSYCHOTHERAPY_LABEL for label in labels)


def build_diagnosis(resource: dict[str, Any]) -> Diagnosis | None:
    """Condition → Diagnosis; ICD-10-CM code when coded so, Part 2 label from meta.security,
    clinical status from the clinicalStatus code (condition-clinical). None for a
    Condition entered in error or refuted (verificationStatus)."""
    model = condition.Condition.model_validate(resource)
    if code_in(model.verificationStatus) in {"entered-in-error", "refuted"}:
        return None
    first = (model.code.coding or [None])[0] if model.code else None
    return Diagnosis(
        display=_concept_text(model.code) or "(unnamed condition)",
        icd10=code_in(model.code, ICD10CM),
        code=first.code if first else None,
        system=first.system if first else None,
        onset=_as_date(model.onsetDateTime),
        source=f"Condition/{model.id}",
        restricted=is_part2(model),
        clinical_status=code_in(model.clinicalStatus),
        abatement=_as_date(model.abatementDateTime),
    )


def build_medication(resource: dict[str, Any]) -> Medication:
    """MedicationStatement or MedicationRequest → Medication (RxNorm code when present)."""
    if resource.get("resourceType") == "MedicationRequest":
        request = medicationrequest.MedicationRequest.model_validate(resource)
        concept, start = request.medicationCodeableConcept, _as_date(request.authoredOn)
        end = None
        dosage = request.dosageInstruction[0].text if request.dosageInstruction else None
        status, rid, model = request.status, request.id, request
    else:
        statement = medicationstatement.MedicationStatement.model_validate(resource)
        concept = statement.medicationCodeableConcept
        period = statement.effectivePeriod
        start = _as_date(period.start if period else statement.effectiveDateTime)
        end = _as_date(period.end) if period else None
        dosage = statement.dosage[0].text if statement.dosage else None
        status, rid, model = statement.status, statement.id, statement
    return Medication(
        display=_concept_text(concept) or "(unnamed medication)",
        rxnorm=code_in(concept, RXNORM),
        status=status,
        start=start,
        dosage=dosage,
        source=f"{resource['resourceType']}/{rid}",
        restricted=is_part2(model),
        end=end,
    )


def build_treatment_plan(resource: dict[str, Any]) -> TreatmentPlan:
    """CarePlan → TreatmentPlan (title, description, start, activity descriptions)."""
    model = careplan.CarePlan.model_validate(resource)
    activities = tuple(
        a.detail.description for a in model.activity or [] if a.detail and a.detail.description
    )
    return TreatmentPlan(
        title=model.title or "Treatment plan",
        description=model.description,
        start=_as_date(model.period.start if model.period else None) or _as_date(model.created),
        activities=activities,
        source=f"CarePlan/{model.id}",
        restricted=is_part2(model),
    )


def build_care_team(resource: dict[str, Any]) -> list[CareTeamMember]:
    """CareTeam → its participants who have a name (member.display), each with the
    first role's text or coding display, whatever the CareTeam's status."""
    model = careteam.CareTeam.model_validate(resource)
    return [
        CareTeamMember(
            name=p.member.display,
            role=_concept_text(p.role[0]) if p.role else None,
            source=f"CareTeam/{model.id}",
        )
        for p in model.participant or []
        if p.member and p.member.display
    ]


def build_goal(resource: dict[str, Any]) -> Goal | None:
    """Goal → Goal; None for goals that are no longer pursued."""
    model = goal.Goal.model_validate(resource)
    if model.lifecycleStatus in {"completed", "cancelled", "entered-in-error", "rejected"}:
        return None
    due = next((_as_date(t.dueDate) for t in model.target or [] if t.dueDate), None)
    return Goal(
        description=_concept_text(model.description) or "(no description)",
        lifecycle_status=model.lifecycleStatus,
        achievement_status=_concept_text(model.achievementStatus),
        start=_as_date(model.startDate),
        due=due,
        source=f"Goal/{model.id}",
        restricted=is_part2(model),
    )


def _attachment_text(model: documentreference.DocumentReference) -> str:
    for content in model.content or []:
        attachment = content.attachment
        if not (attachment.contentType or "").startswith("text/plain") or not attachment.data:
            continue
        # fhir.resources has already decoded base64Binary into bytes.
        try:
            return attachment.data.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            raise ValueError("attachment is not UTF-8 text") from exc
    return ""


def build_note(resource: dict[str, Any]) -> Note | None:
    """DocumentReference → Note with its text/plain attachment decoded; None if entered in error."""
    model = documentreference.DocumentReference.model_validate(resource)
    if model.status == "entered-in-error":
        return None
    author = model.author[0].display if model.author else None
    title = _concept_text(model.type) or (model.description or "Clinical note")
    return Note(
        title=title,
        date=model.date,
        author=author,
        doc_status=model.docStatus,
        text=_attachment_text(model),
        source=f"DocumentReference/{model.id}",
        restricted=is_part2(model),
        psychotherapy=is_psychotherapy_note(model),
    )


def build_visit(resource: dict[str, Any]) -> Visit:
    """Encounter → Visit (type from the first coded type, e.g. CPT 90834)."""
    model = encounter.Encounter.model_validate(resource)
    period = model.period
    return Visit(
        start=period.start if period else None,
        end=period.end if period else None,
        type=_concept_text(model.type[0]) if model.type else None,
        status=model.status,
        source=f"Encounter/{model.id}",
    )


def _instrument_for(model: observation.Observation) -> Instrument | None:
    codes = {c.code for c in model.code.coding or []}
    return next((i for i in INSTRUMENTS.values() if i.total_loinc in codes), None)


def build_measure(resource: dict[str, Any]) -> MeasureResult | None:
    """PHQ-9 / GAD-7 total Observation → MeasureResult with item scores from its components.

    Returns None for other Observations. Raises ValueError for a total outside the
    instrument's range (the resource is then skipped as malformed).
    """
    model = observation.Observation.model_validate(resource)
    instrument = _instrument_for(model)
    if instrument is None or model.status in {"entered-in-error", "cancelled"}:
        return None
    if model.valueQuantity is not None and model.valueQuantity.value is not None:
        total = model.valueQuantity.value
    elif model.valueInteger is not None:
        total = model.valueInteger
    else:
        raise ValueError("measure has no total value")
    if int(total) != total:
        raise ValueError("measure total is not a whole number")
    by_code = {
        coding.code: component.valueInteger
        for component in model.component or []
        for coding in component.code.coding or []
    }
    result = MeasureResult(
        instrument=instrument,
        total=int(total),
        effective=model.effectiveDateTime,
        source=f"Observation/{model.id}",
        items=tuple(by_code.get(code) for code in instrument.item_loincs),
    )
    instrument.severity(result.total)  # validates the range
    if result.effective is None:
        raise ValueError("measure has no effectiveDateTime")
    return result
