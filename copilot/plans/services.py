"""Writes of the treatment-plan review: draft, decide per goal, approve, write to the EHR.
(Co-signature of reviews by clinicians who need it: copilot.plans.cosign.)

Each database write is one transaction with its ledger entry. Approve makes one
PlanApproval per review (one-to-one, unique idempotency key), however often it is
called; the EHR write is claimed first (a conditional UPDATE to `sending` with a lease,
so two callers never send at once) and is itself idempotent (the review marker,
copilot.ehr.plans): 20 concurrent approves give one EHR update and one Provenance.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from copilot.audit import entries
from copilot.audit.ledger import record
from copilot.drafting.engines import EngineError
from copilot.ehr import ChartGateway, EhrError, get_gateway
from copilot.ehr.base import Agent
from copilot.ehr.plans import GoalUpdate, PlanUpdate, TreatmentPlan, WrittenPlan
from copilot.review.cosign import supervisor_for
from copilot.review.errors import ReviewError
from copilot.review.outbox import CLAIM_BATCH, claim_batch
from copilot.review.services import attempt_failed

from .careplan_note import review_note
from .cosign import plan_cosign_pending, plan_review_submit
from .engine import GoalDraft, PlanEngine, get_plan_engine
from .errors import PlanError
from .evidence import PlanEvidence, plan_evidence
from .models import PlanApproval, PlanCosignRequest, PlanGoalSection, PlanReview

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
Decision = PlanGoalSection.Decision


def _require_clinician(actor: AbstractBaseUser) -> None:
    if not hasattr(actor, "clinician"):
        raise PlanError("Your account is not linked to a clinician (FHIR Practitioner).")


# --- draft ---------------------------------------------------------------------------


@transaction.atomic
def plan_review_create(*, actor: AbstractBaseUser, plan: TreatmentPlan, engine) -> PlanReview:
    """A `generating` review of `plan` as read now (versions kept for If-Match)."""
    _require_clinician(actor)
    return PlanReview.objects.create(
        client_id=plan.client_id,
        author=actor,
        careplan_id=plan.id,
        careplan_version=plan.version,
        careplan_title=plan.title[:200],
        since=plan.reviewed_since,
        engine_name=engine.name,
        engine_version=engine.version,
        engine_model=engine.model or "",
    )


def _evidence_for_ledger(evidence: PlanEvidence) -> list[dict]:
    return [
        {
            "goal": g.goal.source,
            "quotes": [{"text": q.text, "source": q.source} for q in g.quotes],
            "score": list(g.score.sources) if g.score else [],
            "withheld": g.withheld,
        }
        for g in evidence.goals
    ]


@transaction.atomic
def plan_review_finish(
    *,
    review: PlanReview,
    evidence: PlanEvidence,
    drafts: list[GoalDraft],
    detail: str = "",
    sent=None,
) -> PlanReview:
    """Store each goal's draft (undecided) and end the run: `complete` when `drafts` holds
    every goal, else `incomplete` with `detail`; recorded in the ledger (ai.draft)."""
    by_goal = {d.goal_id: d for d in drafts}
    for position, goal_evidence in enumerate(evidence.goals):
        goal, draft = goal_evidence.goal, by_goal.get(goal_evidence.goal.id)
        if draft is None:
            continue
        PlanGoalSection.objects.create(
            review=review,
            goal_id=goal.id,
            goal_version=goal.version,
            position=position,
            description=goal.description,
            lifecycle_status=goal.lifecycle_status,
            achievement_status=goal.achievement_status or "",
            restricted=goal.restricted,
            evidence_found=draft.evidence_found,
            ai_summary=draft.summary,
            sentences=[s.as_dict() for s in draft.sentences],
            ai_status=draft.status,
            ai_reason=draft.reason,
            ai_revised=draft.revised,
            final_summary=draft.summary,
            final_status=draft.status,
            final_description=draft.revised or goal.description,
        )
    complete = not detail and len(by_goal) == len(evidence.goals)
    review.status = PlanReview.Status.COMPLETE if complete else PlanReview.Status.INCOMPLETE
    review.status_detail = detail[:500]
    review.save(update_fields=["status", "status_detail"])
    references = [evidence.plan.source, *evidence.sources]
    event = entries.plan_drafted(
        review,
        outcome="ok" if complete else "error",
        evidence=_evidence_for_ledger(evidence),
        references=references,
        sent=sent,
        detail=detail,
    )
    record(event, actor=review.author)
    return review


async def plan_review_draft(
    *,
    actor: AbstractBaseUser,
    client_id: str,
    gateway: ChartGateway | None = None,
    engine: PlanEngine | None = None,
) -> PlanReview:
    """Read the client's active plan, the notes and scores since its last review, and
    draft every goal with the configured engine (settings.DRAFT_ENGINE). Raises PlanError
    (no active plan, no goals, no clinician), EngineError (no engine; or the engine
    failed: the review is then kept `incomplete` with the reason) and EhrError."""
    _require_clinician(actor)
    gateway = gateway or get_gateway()
    engine = engine or get_plan_engine()
    plan = await gateway.treatment_plan(client_id)
    if plan is None:
        raise PlanError("This client has no active treatment plan (CarePlan) in the EHR.")
    if not plan.goals:
        raise PlanError("The treatment plan lists no goals to review.")
    chart, notes = await asyncio.gather(
        gateway.chart(client_id), gateway.notes_since(client_id, plan.reviewed_since)
    )
    evidence = plan_evidence(plan, notes, chart)
    review = await sync_to_async(plan_review_create)(actor=actor, plan=plan, engine=engine.info)
    finish = sync_to_async(plan_review_finish)
    try:
        drafts = await engine.draft(evidence, chart=chart, clinician=actor.get_full_name())
    except EngineError as error:
        sent = _sent(engine)
        await finish(review=review, evidence=evidence, drafts=[], detail=error.message, sent=sent)
        raise
    return await finish(review=review, evidence=evidence, drafts=drafts, sent=_sent(engine))


def _sent(engine: PlanEngine):
    outbound = getattr(engine, "outbound", None)
    return outbound.as_dict() if outbound else None


# --- decide --------------------------------------------------------------------------


def _editable(actor: AbstractBaseUser, review: PlanReview) -> None:
    if review.author_id != actor.pk:
        raise PlanError("Only the review's author can change it.")
    if PlanApproval.objects.filter(review=review).exists():
        raise PlanError("This review is approved; it can no longer be changed.")
    if plan_cosign_pending(review):
        raise PlanError(
            "This review is waiting for co-signature; it can be changed if your supervisor "
            "returns it."
        )
    if review.status != PlanReview.Status.COMPLETE:
        raise PlanError("This review did not finish drafting; draft it again.")


STATUSES = {code for code, _ in PlanGoalSection._meta.get_field("final_status").choices}


@transaction.atomic
def plan_goal_decide(
    *,
    actor: AbstractBaseUser,
    review: PlanReview,
    goal_id: str,
    decision: str,
    status: str | None = None,
    description: str | None = None,
    summary: str | None = None,
) -> PlanGoalSection:
    """Accept (the AI's status, wording and summary), edit (the given `status`,
    `description` and `summary`; an edit equal to the AI's counts as accepted) or reject
    (the Goal is left as it is in the EHR) one goal. Raises PlanError."""
    _editable(actor, review)
    try:
        section = review.goals.select_for_update().get(goal_id=goal_id)
    except PlanGoalSection.DoesNotExist:
        raise PlanError("This review has no such goal.") from None
    previous = {
        "status": section.final_status,
        "description": section.final_description,
        "summary": section.final_summary,
    }
    if decision == Decision.ACCEPTED:
        section.final_status = section.ai_status
        section.final_description = section.ai_revised or section.description
        section.final_summary = section.ai_summary
    elif decision == Decision.EDITED:
        _edit(section, status=status, description=description, summary=summary)
        decision = Decision.ACCEPTED if _as_drafted(section) else Decision.EDITED
    elif decision != Decision.REJECTED:
        raise PlanError(f"Unknown decision {decision!r}.")
    section.decision = decision
    section.decided_at = timezone.now()
    section.save()
    record(entries.plan_goal_decided(section, previous=previous), actor=actor)
    return section


def _edit(section: PlanGoalSection, *, status, description, summary) -> None:
    if status not in STATUSES:
        raise PlanError("Choose a status: in progress, achieved, sustaining or on hold.")
    wording = (description or "").strip()
    if not wording:
        raise PlanError("The goal's wording cannot be empty.")
    section.final_status = status
    section.final_description = wording
    section.final_summary = (summary or "").strip()


def _as_drafted(section: PlanGoalSection) -> bool:
    return (
        section.final_status == section.ai_status
        and section.final_description.strip() == (section.ai_revised or section.description)
        and section.final_summary.strip() == section.ai_summary.strip()
    )


# --- approve -------------------------------------------------------------------------


def approval_blockers(review: PlanReview) -> list[str]:
    """Why the review cannot be approved yet (empty: it can)."""
    if review.status != PlanReview.Status.COMPLETE:
        return ["The review did not finish drafting."]
    sections = list(review.goals.all())
    undecided = sum(1 for s in sections if s.decision == Decision.PENDING)
    blockers = []
    if undecided:
        blockers.append(f"Decide every goal ({undecided} left).")
    placeholders = [
        s.description
        for s in sections
        if s.decision != Decision.REJECTED and "[clinician to complete" in s.final_description
    ]
    if placeholders:
        blockers.append(f"Complete the revised wording of: {'; '.join(placeholders)}.")
    if sections and all(s.decision == Decision.REJECTED for s in sections):
        blockers.append("Every goal is rejected: there is nothing to write.")
    return blockers


def plan_review_approve(
    *, actor: AbstractBaseUser, review: PlanReview, idempotency_key: str
) -> PlanApproval | PlanCosignRequest:
    """The review's one PlanApproval (pending its EHR write), however often called; or,
    when the author needs co-signature (Clinician.requires_cosign), one pending
    PlanCosignRequest in their supervisor's queue instead (nothing goes to the EHR yet).

    Raises PlanError when the actor is not the author, the review is not ready
    (approval_blockers), or co-signature is needed and no supervisor is assigned."""
    if review.author_id != actor.pk:
        raise PlanError("Only the review's author can approve it.")
    existing = PlanApproval.objects.filter(review=review).first() or plan_cosign_pending(review)
    if existing:
        return existing
    if blockers := approval_blockers(review):
        raise PlanError(" ".join(blockers))
    if not idempotency_key or len(idempotency_key) > 64:
        raise PlanError("The approval request is missing its idempotency key.")
    try:
        supervisor = supervisor_for(actor)
    except ReviewError as error:
        raise PlanError(error.message) from None
    if supervisor is not None:
        return plan_review_submit(actor=actor, review=review, idempotency_key=idempotency_key)
    try:
        with transaction.atomic():
            approval = PlanApproval.objects.create(
                review=review, approved_by=actor, idempotency_key=idempotency_key
            )
            record(entries.plan_approved(review, review_note(review)), actor=actor)
    except IntegrityError:
        return PlanApproval.objects.get(review=review)
    return approval


# --- write ---------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(status=PlanApproval.Status.PENDING) | Q(
        status=PlanApproval.Status.SENDING, lease_until__lt=now
    )


def claim(approval_id: int) -> bool:
    """Take the approval's EHR write if nobody holds it; True if we got it."""
    now = timezone.now()
    claimed = PlanApproval.objects.filter(_due(now), pk=approval_id).update(
        status=PlanApproval.Status.SENDING, lease_until=now + LEASE
    )
    return claimed == 1


# Goal.lifecycleStatus and achievementStatus for each status suggestion (FHIR R4 Goal).
_LIFECYCLE = {"in-progress": "active", "achieved": "completed", "sustaining": "active"}


def goal_update(section: PlanGoalSection) -> GoalUpdate:
    """What the review writes to one Goal (on-hold keeps the achievement status)."""
    status = section.final_status
    if status == "on-hold":
        lifecycle, achievement = "on-hold", section.achievement_status or "in-progress"
    else:
        lifecycle, achievement = _LIFECYCLE[status], status
    return GoalUpdate(
        goal_id=section.goal_id,
        version=section.goal_version,
        lifecycle_status=lifecycle,
        achievement_status=achievement,
        description=section.final_description or section.description,
        status_reason=section.ai_reason if status == section.ai_status else "Clinician's review.",
        note=section.final_summary or f"Reviewed: {status}.",
    )


def plan_update(approval: PlanApproval) -> PlanUpdate:
    """The approved review as the EHR should receive it (rejected goals left out). A
    review approved by someone other than its author was co-signed by that supervisor
    (copilot.plans.cosign): they join the author as verifier and are legal authenticator."""
    review = approval.review
    author = Agent(review.author.clinician.practitioner_id, review.author.clinician.display_name)
    cosigner = None
    if approval.approved_by_id != review.author_id:  # co-signed (copilot.plans.cosign)
        supervisor = approval.approved_by.clinician
        cosigner = Agent(supervisor.practitioner_id, supervisor.display_name)
    sections = [s for s in review.goals.all() if s.decision != Decision.REJECTED]
    sources = [
        src["reference"]
        for s in sections
        for sentence in s.sentences
        for src in sentence.get("sources", [])
        if src.get("reference")
    ]
    return PlanUpdate(
        review_id=str(review.id),
        client_id=review.client_id,
        careplan_id=review.careplan_id,
        careplan_version=review.careplan_version,
        goals=tuple(goal_update(s) for s in sections),
        review_note=review_note(
            review, on=approval.approved_at, cosigner=cosigner.display if cosigner else ""
        ),
        author=author,
        verifiers=(author, cosigner) if cosigner else (author,),
        legal_authenticator=cosigner,
        drafted_at=review.created_at,
        approved_at=approval.approved_at,
        engine_name=review.engine_name,
        engine_version=review.engine_version,
        engine_model=review.engine_model,
        sources=tuple(dict.fromkeys(sources)),
    )


@transaction.atomic
def record_written(approval_id: int, written: WrittenPlan) -> PlanApproval:
    row = PlanApproval.objects.select_for_update().select_related("review").get(pk=approval_id)
    first_time = row.status != PlanApproval.Status.WRITTEN
    row.status = PlanApproval.Status.WRITTEN
    row.attempts += 1
    row.careplan_version = written.careplan_version
    row.provenance_id = written.provenance_id
    row.written_at = row.written_at or timezone.now()
    row.lease_until, row.last_error = None, ""
    row.save()
    if first_time:
        references = [f"Goal/{g}/_history/{v}" for g, v in written.goal_versions.items()]
        references += [
            f"CarePlan/{row.review.careplan_id}/_history/{written.careplan_version}",
            f"Provenance/{written.provenance_id}",
        ]
        record(entries.plan_written(row, references))
    return row


@transaction.atomic
def record_failure(approval_id: int, error: EhrError) -> PlanApproval:
    row = PlanApproval.objects.select_for_update().select_related("review").get(pk=approval_id)
    attempt_failed(row, error)
    row.save()
    if row.status == PlanApproval.Status.FAILED:
        record(entries.plan_written(row, [], error=row.last_error))
    return row


def _load(approval_id: int) -> PlanApproval:
    return (
        PlanApproval.objects.select_related("review__author__clinician", "approved_by__clinician")
        .prefetch_related("review__goals")
        .get(pk=approval_id)
    )


async def plan_approval_deliver(
    approval_id: int, *, gateway: ChartGateway | None = None
) -> PlanApproval:
    """Write the approved review to the EHR if nobody else is writing it; returns the
    approval as it ends up (`written`; `pending` with the reason when the EHR is down, to
    retry; `failed` when it refused, e.g. the plan changed since the draft)."""
    if not await sync_to_async(claim)(approval_id):
        return await sync_to_async(_load)(approval_id)
    return await _write(approval_id, gateway)


async def _write(approval_id: int, gateway: ChartGateway | None) -> PlanApproval:
    """Write an approval this sender has claimed and record how it went."""
    approval = await sync_to_async(_load)(approval_id)
    update = await sync_to_async(plan_update)(approval)
    try:
        written = await (gateway or get_gateway()).write_plan_update(update)
    except EhrError as error:
        logger.warning("Plan review write %s failed (%s)", approval_id, error.retryable)
        return await sync_to_async(record_failure)(approval_id, error)
    return await sync_to_async(record_written)(approval_id, written)


def claim_due_plan_approvals(limit: int = CLAIM_BATCH, *, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` approvals whose EHR write is due for this sender
    (copilot.review.outbox.claim_batch, SELECT … FOR UPDATE SKIP LOCKED) and return their
    ids: pending past their `next_attempt_at` (backoff after a retryable failure), or
    sending with a lapsed lease (a sender that died)."""
    now = now or timezone.now()
    due = Q(status=PlanApproval.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=PlanApproval.Status.SENDING, lease_until__lt=now
    )
    return claim_batch(PlanApproval, due, limit=limit, now=now)


async def plan_approvals_deliver_due(*, gateway: ChartGateway | None = None) -> list[PlanApproval]:
    """Write every plan review that is due now (outbox worker), claiming a batch at a
    time so that several workers take disjoint approvals; returns the approvals it
    touched."""
    touched: list[PlanApproval] = []
    while ids := await sync_to_async(claim_due_plan_approvals)():
        touched += [await _write(pk, gateway) for pk in ids]
    return touched


async def plan_review_approve_and_write(
    *,
    actor: AbstractBaseUser,
    review: PlanReview,
    idempotency_key: str,
    gateway: ChartGateway | None = None,
) -> PlanApproval | PlanCosignRequest:
    """Approve (plan_review_approve) and write to the EHR at once (plan_approval_deliver).
    A written or failed approval, or a co-signature request (nothing to write yet), is
    returned as it is. Raises PlanError."""
    approval = await sync_to_async(plan_review_approve)(
        actor=actor, review=review, idempotency_key=idempotency_key
    )
    if isinstance(approval, PlanCosignRequest):
        return approval
    if approval.status in (PlanApproval.Status.WRITTEN, PlanApproval.Status.FAILED):
        return await sync_to_async(_load)(approval.pk)
    return await plan_approval_deliver(approval.pk, gateway=gateway)
