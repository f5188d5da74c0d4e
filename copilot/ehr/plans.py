"""FHIR CarePlan + Goal → a treatment plan, and an approved plan review → one FHIR
transaction Bundle (types and resource building; no HTTP here).

Read: the client's active CarePlan (`CarePlan.status` active, the latest
`CarePlan.period.start`) with the Goals it lists (`CarePlan.goal`), each with its
`meta.versionId`, kept for `If-Match` when the review is written.

Write (one transaction, applied all or nothing by the EHR, FHIR R4 http.html#transaction):
- each Goal `PUT` with `If-Match: W/"<version read at draft time>"`: `lifecycleStatus`,
  `achievementStatus` (http://terminology.hl7.org/CodeSystem/goal-achievement),
  `statusDate`, `statusReason`, `description` when revised, and a `Goal.note` holding the
  progress summary;
- the CarePlan `PUT` with `If-Match`: a `CarePlan.note` recording the review, carrying
  the review marker extension (REVIEW_EXTENSION, valueIdentifier urn:uuid:<review id>).
  The marker makes the write idempotent: a retry finds it and does not write again, and
  the latest marked note's `time` is the plan's last review date;
- a `Provenance` (target: the Goals and the CarePlan; agents: the clinician as author and
  verifier, the engine as a Device of type assembler, and for a co-signed review the
  supervisor as verifier and legal authenticator (`legal`, provenance-participant-type),
  as for co-signed notes in copilot.ehr.documents; entity: the review and the evidence
  it cited; AI label AIAST in meta.security as in copilot.ehr.documents).
Every resource is validated with fhir.resources (R4B) before it leaves.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.provenance import Provenance

from .base import Agent, EhrError
from .documents import (
    AI_LABEL,
    IDENTIFIER_SYSTEM,
    assembler,
    engine_device,
    practitioner_reference,
    provenance_agent,
)
from .parsing import is_part2

REVIEW_EXTENSION = "https://therapy-copilot.example.org/fhir/StructureDefinition/plan-review"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
# Goal.achievementStatus codes (FHIR R4 goal-achievement) and their displays.
ACHIEVEMENT = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
    "sustaining": "Sustaining",
    "not-achieved": "Not Achieved",
    "no-progress": "No Progress",
    "not-attainable": "Not Attainable",
}


class PlanChanged(EhrError):
    """The CarePlan or one of its Goals changed in the EHR after the review was drafted
    (If-Match failed): nothing was written; the review must be drafted again."""

    def __init__(self) -> None:
        super().__init__(
            "The treatment plan changed in the EHR since this review was drafted; "
            "nothing was written. Draft the review again.",
            retryable=False,
        )


@dataclass(frozen=True)
class PlanGoal:
    """One Goal of the plan: FHIR id and `meta.versionId`, `description.text`,
    `lifecycleStatus`, `achievementStatus` code (None when not coded), `startDate`, the
    first `target.dueDate`, the first `target.measure` LOINC code with its
    `detailQuantity` value and comparator (e.g. "44261-6", 10, "<"), and `restricted`
    (42 CFR Part 2 label)."""

    id: str
    version: str
    description: str
    lifecycle_status: str
    achievement_status: str | None
    start: date | None = None
    due: date | None = None
    measure_loinc: str | None = None
    target_value: float | None = None
    target_comparator: str | None = None
    restricted: bool = False

    @property
    def source(self) -> str:
        return f"Goal/{self.id}"


@dataclass(frozen=True)
class TreatmentPlan:
    """The client's active CarePlan: id, `meta.versionId`, title, `period.start`, the
    date of its last review (latest CarePlan.note carrying REVIEW_EXTENSION; None: never
    reviewed here), the review ids already written, and its Goals in CarePlan order."""

    id: str
    version: str
    client_id: str
    title: str
    period_start: date | None
    last_review: date | None
    reviews: frozenset[str]
    goals: tuple[PlanGoal, ...]
    restricted: bool = False

    @property
    def source(self) -> str:
        return f"CarePlan/{self.id}"

    @property
    def reviewed_since(self) -> date | None:
        """Where "since the last review" starts: the last review, else `period.start`."""
        return self.last_review or self.period_start


@dataclass(frozen=True)
class GoalUpdate:
    """What an approved review changes on one Goal: the version it was drafted against,
    the new `lifecycleStatus`, `achievementStatus` code, `description` (the current one
    when not revised), `statusReason` and the progress summary for `Goal.note`."""

    goal_id: str
    version: str
    lifecycle_status: str
    achievement_status: str
    description: str
    status_reason: str
    note: str


@dataclass(frozen=True)
class PlanUpdate:
    """An approved plan review, ready for the EHR. `review_id` (a UUID) is the idempotency
    key (REVIEW_EXTENSION); `sources` are the evidence's FHIR references (notes,
    Observations) for Provenance.entity. `verifiers` are the author and, for a co-signed
    review, the supervisor, who is then also `legal_authenticator` (None: no co-sign)."""

    review_id: str
    client_id: str
    careplan_id: str
    careplan_version: str
    goals: tuple[GoalUpdate, ...]
    review_note: str
    author: Agent
    verifiers: tuple[Agent, ...]
    drafted_at: datetime
    approved_at: datetime
    engine_name: str
    engine_version: str
    engine_model: str = ""
    sources: tuple[str, ...] = ()
    legal_authenticator: Agent | None = None


@dataclass(frozen=True)
class WrittenPlan:
    """Where the review landed: the CarePlan's and each Goal's new `meta.versionId` and the
    Provenance id; `already` when an earlier attempt had written it."""

    careplan_version: str
    goal_versions: dict[str, str] = field(default_factory=dict)
    provenance_id: str = ""
    already: bool = False


def review_identifier(review_id: str) -> dict[str, str]:
    return {"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{review_id}"}


def _marked_reviews(careplan: dict[str, Any]) -> list[tuple[str, str]]:
    """(review id, Annotation.time) of every CarePlan.note carrying the review marker."""
    found = []
    for note in careplan.get("note") or []:
        for ext in note.get("extension") or []:
            value = (ext.get("valueIdentifier") or {}).get("value", "")
            if ext.get("url") == REVIEW_EXTENSION and value.startswith("urn:uuid:"):
                found.append((value.removeprefix("urn:uuid:"), str(note.get("time", ""))))
    return found


def has_review(careplan: dict[str, Any], review_id: str) -> bool:
    """Does this CarePlan JSON already record review `review_id`?"""
    return any(rid == review_id for rid, _ in _marked_reviews(careplan))


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def build_goal(resource: dict[str, Any]) -> PlanGoal:
    """Goal JSON → PlanGoal (raises pydantic.ValidationError when malformed)."""
    model = Goal.model_validate(resource)
    target = (model.target or [None])[0]
    loinc = (
        next(
            (c.code for c in (target.measure.coding or []) if c.system == "http://loinc.org"),
            None,
        )
        if target and target.measure
        else None
    )
    quantity = target.detailQuantity if target else None
    achievement = (
        next((c.code for c in (model.achievementStatus.coding or []) if c.code), None)
        if model.achievementStatus
        else None
    )
    return PlanGoal(
        id=model.id,
        version=(model.meta.versionId if model.meta else None) or "",
        description=(model.description.text if model.description else None) or "(no description)",
        lifecycle_status=model.lifecycleStatus,
        achievement_status=achievement,
        start=_as_date(model.startDate),
        due=next((_as_date(t.dueDate) for t in model.target or [] if t.dueDate), None),
        measure_loinc=loinc,
        target_value=float(quantity.value) if quantity and quantity.value is not None else None,
        target_comparator=quantity.comparator if quantity else None,
        restricted=is_part2(model),
    )


def build_plan(careplan: dict[str, Any], goals: list[PlanGoal]) -> TreatmentPlan:
    """CarePlan JSON and its parsed Goals → TreatmentPlan, Goals in `CarePlan.goal` order
    (Goals the EHR did not return are left out). Raises pydantic.ValidationError."""
    model = CarePlan.model_validate(careplan)
    order = [(g.reference or "").removeprefix("Goal/") for g in model.goal or []]
    by_id = {g.id: g for g in goals}
    marked = _marked_reviews(careplan)
    times = [_as_date(datetime.fromisoformat(t)) for _, t in marked if t]
    return TreatmentPlan(
        id=model.id,
        version=(model.meta.versionId if model.meta else None) or "",
        client_id=(model.subject.reference or "").removeprefix("Patient/"),
        title=model.title or "Treatment plan",
        period_start=_as_date(model.period.start) if model.period else None,
        last_review=max(times) if times else None,
        reviews=frozenset(rid for rid, _ in marked),
        goals=tuple(by_id[i] for i in order if i in by_id),
        restricted=is_part2(model),
    )


def updated_goal(current: dict[str, Any], change: GoalUpdate, update: PlanUpdate) -> dict[str, Any]:
    """The Goal as it should be after the review (a copy of `current` with the change)."""
    goal = _copy_for_update(current)
    goal["lifecycleStatus"] = change.lifecycle_status
    code = change.achievement_status
    goal["achievementStatus"] = {
        "coding": [{"system": GOAL_ACHIEVEMENT, "code": code, "display": ACHIEVEMENT[code]}],
        "text": ACHIEVEMENT[code],
    }
    goal["description"] = {**(goal.get("description") or {}), "text": change.description}
    goal["statusDate"] = update.approved_at.date().isoformat()
    goal["statusReason"] = change.status_reason
    goal["note"] = [*(goal.get("note") or []), _annotation(update, change.note)]
    Goal.model_validate(goal)
    return goal


def updated_careplan(current: dict[str, Any], update: PlanUpdate) -> dict[str, Any]:
    """The CarePlan with the review recorded as a marked CarePlan.note."""
    plan = _copy_for_update(current)
    plan["note"] = [*(plan.get("note") or []), _annotation(update, update.review_note)]
    CarePlan.model_validate(plan)
    return plan


def _copy_for_update(current: dict[str, Any]) -> dict[str, Any]:
    """A copy to PUT: the server's meta (versionId, lastUpdated) dropped, labels kept."""
    resource = copy.deepcopy(current)
    security = (resource.pop("meta", None) or {}).get("security")
    if security:
        resource["meta"] = {"security": security}
    return resource


def _annotation(update: PlanUpdate, text: str) -> dict[str, Any]:
    return {
        "extension": [
            {"url": REVIEW_EXTENSION, "valueIdentifier": review_identifier(update.review_id)}
        ],
        "authorReference": practitioner_reference(update.author),
        "time": update.approved_at.isoformat(),
        "text": text,
    }


def provenance(update: PlanUpdate) -> dict[str, Any]:
    """The Provenance of the review (targets: each changed Goal and the CarePlan)."""
    engine = engine_device(
        update.engine_name,
        update.engine_version,
        update.engine_model,
        "AI treatment-plan review engine",
    )
    targets = [f"Goal/{g.goal_id}" for g in update.goals] + [f"CarePlan/{update.careplan_id}"]
    entities = [
        {
            "role": "source",
            "what": {
                "identifier": review_identifier(update.review_id),
                "display": "Treatment-plan review: evidence since the last review and the AI draft",
            },
        }
    ]
    entities += [{"role": "source", "what": {"reference": ref}} for ref in update.sources]
    agents = [provenance_agent("author", practitioner_reference(update.author))]
    agents += [provenance_agent("verifier", practitioner_reference(v)) for v in update.verifiers]
    if update.legal_authenticator:
        agents.append(provenance_agent("legal", practitioner_reference(update.legal_authenticator)))
    resource = {
        "resourceType": "Provenance",
        "meta": {"security": [AI_LABEL]},
        "contained": [engine],
        "target": [{"reference": ref} for ref in targets],
        "occurredPeriod": {
            "start": update.drafted_at.isoformat(),
            "end": update.approved_at.isoformat(),
        },
        "recorded": update.approved_at.isoformat(),
        "activity": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                    "code": "UPDATE",
                    "display": "revise",
                }
            ]
        },
        "agent": [*agents, assembler(engine)],
        "entity": entities,
    }
    Provenance.model_validate(resource)
    return resource


def transaction(
    update: PlanUpdate, careplan: dict[str, Any], goals: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The transaction Bundle writing `update` over the current CarePlan and Goal JSON
    (`goals` by id): each PUT carries If-Match with the version the review was drafted
    against, so a plan changed since then fails as a whole (412/409)."""

    def put(resource: dict[str, Any], version: str) -> dict[str, Any]:
        url = f"{resource['resourceType']}/{resource['id']}"
        return {
            "fullUrl": url,
            "resource": resource,
            "request": {"method": "PUT", "url": url, "ifMatch": f'W/"{version}"'},
        }

    entries = [put(updated_goal(goals[g.goal_id], g, update), g.version) for g in update.goals]
    entries.append(put(updated_careplan(careplan, update), update.careplan_version))
    entries.append(
        {"resource": provenance(update), "request": {"method": "POST", "url": "Provenance"}}
    )
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    Bundle.model_validate(bundle)
    return bundle
