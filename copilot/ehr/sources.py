"""FHIR R4 resources (JSON) to SourceDocuments: chart entries as text for the retrieval index.

Each resource is validated with fhir.resources R4B (as in `parsing`); notes keep
their text as written, structured entries (diagnoses, medications, goals, care
plans, PHQ-9 / GAD-7 results, intake answers) become one or a few short sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fhir.resources.R4B import (
    careplan,
    careteam,
    condition,
    documentreference,
    goal,
    medicationrequest,
    medicationstatement,
    observation,
    questionnaireresponse,
)

from copilot.chart import SourceDocument

from . import parsing

WITHDRAWN_STATUSES = {"entered-in-error"}


def _client_of(subject: Any) -> str:
    reference = (subject.reference if subject else None) or ""
    kind, _, client_id = reference.partition("/")
    if kind != "Patient" or not client_id:
        raise ValueError("resource has no Patient subject")
    return client_id


def _document(resource: dict[str, Any], model: Any, **fields: Any) -> SourceDocument:
    """A SourceDocument carrying `model`'s reference, subject, meta and Part 2 label."""
    meta = model.meta
    return SourceDocument(
        reference=parsing.reference_of(resource),
        client_id=_client_of(model.subject),
        version_id=(meta.versionId if meta else None) or "",
        last_updated=meta.lastUpdated if meta else None,
        restricted=parsing.is_part2(model),
        psychotherapy=parsing.is_psychotherapy_note(model),
        **fields,
    )


def _on(value: date | None) -> str:
    return f" on {value.isoformat()[:10]}" if value else ""


def build_note(resource: dict[str, Any]) -> SourceDocument:
    """DocumentReference → note (decoded text/plain attachment); withdrawn if entered in error."""
    model = documentreference.DocumentReference.model_validate(resource)
    note = parsing.build_note(resource)
    replaces = tuple(
        r.target.reference
        for r in model.relatesTo or []
        if r.code == "replaces" and r.target.reference
    )
    return _document(
        resource,
        model,
        kind="note",
        title=note.title if note else "Clinical note",
        text=note.text if note else "",
        date=model.date,
        author=note.author if note else None,
        withdrawn=model.status in WITHDRAWN_STATUSES,
        replaces=replaces,
    )


def build_diagnosis(resource: dict[str, Any]) -> SourceDocument:
    """Condition → "Diagnosis: <name> (ICD-10-CM <code>), <clinical status>, onset <date>,
    abated <date>."; withdrawn when entered in error or refuted."""
    model = condition.Condition.model_validate(resource)
    dx = parsing.build_diagnosis(resource)
    if dx is None:
        return _document(
            resource,
            model,
            kind="diagnosis",
            title="Diagnosis",
            text="",
            date=None,
            author=None,
            withdrawn=True,
        )
    status = parsing._concept_text(model.clinicalStatus) or "status not recorded"
    code = f" (ICD-10-CM {dx.icd10})" if dx.icd10 else ""
    onset = f", onset {dx.onset.isoformat()}" if dx.onset else ""
    abated = f", abated {dx.abatement.isoformat()}" if dx.abatement else ""
    return _document(
        resource,
        model,
        kind="diagnosis",
        title=f"Diagnosis: {dx.display}",
        text=f"Diagnosis: {dx.display}{code}, {status.lower()}{onset}{abated}.",
        date=model.recordedDate or dx.onset,
        author=model.recorder.display if model.recorder else None,
    )


def build_medication(resource: dict[str, Any]) -> SourceDocument:
    """MedicationStatement / MedicationRequest → "Medication: <name>, <dosage>; status …"."""
    med = parsing.build_medication(resource)
    model = (
        medicationrequest.MedicationRequest
        if resource.get("resourceType") == "MedicationRequest"
        else medicationstatement.MedicationStatement
    ).model_validate(resource)
    dosage = f", {med.dosage}" if med.dosage else ""
    since = f" since {med.start.isoformat()}" if med.start else ""
    since += f", ended {med.end.isoformat()}" if med.end else ""
    return _document(
        resource,
        model,
        kind="medication",
        title=f"Medication: {med.display}",
        text=f"Medication: {med.display}{dosage}; status {med.status}{since}.",
        date=med.start,
        author=None,
        withdrawn=med.status in WITHDRAWN_STATUSES,
    )


def build_goal(resource: dict[str, Any]) -> SourceDocument:
    """Goal → "Treatment goal: <text>. Status …; achievement …; due …"."""
    model = goal.Goal.model_validate(resource)
    description = parsing._concept_text(model.description) or "(no description)"
    achievement = parsing._concept_text(model.achievementStatus)
    due = next((t.dueDate for t in model.target or [] if t.dueDate), None)
    parts = [f"Treatment goal: {description}.", f"Status: {model.lifecycleStatus}"]
    parts += [f"achievement: {achievement}"] if achievement else []
    parts += [f"due {due.isoformat()}"] if due else []
    return _document(
        resource,
        model,
        kind="goal",
        title=f"Goal: {description}",
        text=f"{parts[0]} {'; '.join(parts[1:])}.",
        date=model.startDate,
        author=None,
        withdrawn=model.lifecycleStatus in WITHDRAWN_STATUSES,
    )


def build_care_plan(resource: dict[str, Any]) -> SourceDocument:
    """CarePlan → "Treatment plan: <title>. <description> Activities: …"."""
    model = careplan.CarePlan.model_validate(resource)
    plan = parsing.build_treatment_plan(resource)
    lines = [f"Treatment plan: {model.title or 'care plan'} ({model.status})."]
    lines += [plan.description] if plan.description else []
    lines += [f"Activities: {'; '.join(plan.activities)}."] if plan.activities else []
    return _document(
        resource,
        model,
        kind="care-plan",
        title=model.title or "Treatment plan",
        text=" ".join(lines),
        date=model.created or (model.period.start if model.period else None),
        author=model.author.display if model.author else None,
        withdrawn=model.status in WITHDRAWN_STATUSES,
    )


def build_care_team(resource: dict[str, Any]) -> SourceDocument:
    """CareTeam → "Care team (<status>): <role>: <name>; …"; withdrawn if entered in error."""
    model = careteam.CareTeam.model_validate(resource)
    members = [
        f"{m.role}: {m.name}" if m.role else m.name for m in parsing.build_care_team(resource)
    ]
    return _document(
        resource,
        model,
        kind="care-team",
        title="Care team",  # not CareTeam.name, which often names the client
        text=f"Care team ({model.status or 'status not recorded'}): "
        f"{'; '.join(members) or 'no members named'}.",
        date=model.period.start if model.period else None,
        author=None,
        withdrawn=model.status in WITHDRAWN_STATUSES,
    )


def build_measure(resource: dict[str, Any]) -> SourceDocument | None:
    """PHQ-9 / GAD-7 total Observation → "PHQ-9 total 19 (moderately severe) on <date>."

    Severity bands are the instruments' own (see copilot.measures). None for other
    Observations.
    """
    result = parsing.build_measure(resource)
    if result is None:
        return None
    model = observation.Observation.model_validate(resource)
    name = result.instrument.name
    severity = result.instrument.severity(result.total)
    return _document(
        resource,
        model,
        kind="measure",
        title=f"{name} result",
        text=f"{name} total score {result.total} ({severity}){_on(result.effective)}.",
        date=result.effective,
        author=None,
    )


def build_intake(resource: dict[str, Any]) -> SourceDocument:
    """QuestionnaireResponse → one "question: answer" line per answered item."""
    model = questionnaireresponse.QuestionnaireResponse.model_validate(resource)
    lines = [f"{item.text or item.linkId}: {_answers(item)}" for item in _items(model.item or [])]
    return _document(
        resource,
        model,
        kind="intake",
        title="Intake questionnaire",
        text="\n".join(line for line in lines if not line.endswith(": ")),
        date=model.authored,
        author=model.author.display if model.author else None,
        withdrawn=model.status in WITHDRAWN_STATUSES,
    )


def _items(items: list[Any]) -> list[Any]:
    """Questionnaire items flattened depth-first (groups hold nested items)."""
    return [x for item in items for x in [item, *_items(item.item or [])]]


def _answers(item: Any) -> str:
    values = []
    for answer in item.answer or []:
        for field in ("valueString", "valueInteger", "valueDecimal", "valueBoolean", "valueDate"):
            value = getattr(answer, field, None)
            if value is not None:
                values.append(str(value))
        if answer.valueCoding is not None:
            values.append(answer.valueCoding.display or answer.valueCoding.code or "")
    return "; ".join(values)


BUILDERS: dict[str, Callable[[dict[str, Any]], SourceDocument | None]] = {
    "DocumentReference": build_note,
    "Condition": build_diagnosis,
    "MedicationStatement": build_medication,
    "MedicationRequest": build_medication,
    "Goal": build_goal,
    "CarePlan": build_care_plan,
    "CareTeam": build_care_team,
    "Observation": build_measure,
    "QuestionnaireResponse": build_intake,
}


def build_source(resource: dict[str, Any]) -> SourceDocument | None:
    """Any indexed resource type → SourceDocument (None for resources not indexed)."""
    build = BUILDERS.get(resource.get("resourceType", ""))
    return build(resource) if build else None
