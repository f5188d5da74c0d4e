"""Approve writes the review to the sandbox EHR once: each Goal and the CarePlan updated
with If-Match, one Provenance, read back over HTTP; concurrency, conflicts and outages."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from copilot.audit.models import LedgerEntry
from copilot.ehr import get_gateway
from copilot.ehr.plans import REVIEW_EXTENSION
from copilot.plans import services
from copilot.plans.models import PlanApproval, PlanReview

from .conftest import fhir_get, history

pytestmark = pytest.mark.django_db(transaction=True)
AI_LABEL = "AIAST"


def drafted(actor, client_id: str) -> PlanReview:
    return async_to_sync(services.plan_review_draft)(actor=actor, client_id=client_id)


def accept_all(actor, review: PlanReview) -> None:
    for section in review.goals.all():
        services.plan_goal_decide(
            actor=actor, review=review, goal_id=section.goal_id, decision="accepted"
        )


def marker(resource: dict, review: PlanReview) -> list[dict]:
    """The notes of a Goal or CarePlan that carry this review's marker."""
    wanted = f"urn:uuid:{review.id}"
    return [
        note
        for note in resource.get("note") or []
        for ext in note.get("extension") or []
        if ext["url"] == REVIEW_EXTENSION and ext["valueIdentifier"]["value"] == wanted
    ]


def test_approve_updates_each_goal_and_the_careplan_once_with_provenance(
    ehr, clinician, plan_client
):
    review = drafted(clinician, plan_client["client"])
    phq9_goal, sleep_goal, choir_goal = plan_client["goals"]
    sections = {s.goal_id: s for s in review.goals.all()}
    assert sections[phq9_goal].ai_status == "achieved"  # PHQ-9 16 → 8, target < 10
    assert sections[sleep_goal].ai_status == "in-progress"
    assert sections[choir_goal].ai_summary.startswith("No evidence since last review")
    services.plan_goal_decide(
        actor=clinician, review=review, goal_id=phq9_goal, decision="accepted"
    )
    services.plan_goal_decide(
        actor=clinician,
        review=review,
        goal_id=sleep_goal,
        decision="edited",
        status="sustaining",
        description="Sleep at least 7 hours on 5 of 7 nights",
        summary="Sleeping 7 hours on 5 nights a week for the last two weeks.",
    )
    services.plan_goal_decide(
        actor=clinician, review=review, goal_id=choir_goal, decision="accepted"
    )

    approval = async_to_sync(services.plan_review_approve_and_write)(
        actor=clinician, review=review, idempotency_key="first"
    )

    assert approval.status == PlanApproval.Status.WRITTEN and approval.attempts == 1
    base = ehr.base_url
    phq9 = fhir_get(base, f"Goal/{phq9_goal}")
    assert phq9["lifecycleStatus"] == "completed"
    assert phq9["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert "PHQ-9 went from 16 on" in marker(phq9, review)[0]["text"]
    assert marker(phq9, review)[0]["authorReference"]["reference"] == "Practitioner/pr-chen"
    sleep = fhir_get(base, f"Goal/{sleep_goal}")
    assert sleep["achievementStatus"]["coding"][0]["code"] == "sustaining"
    assert sleep["statusReason"] == "Clinician's review."
    assert marker(sleep, review)[0]["text"].startswith("Sleeping 7 hours on 5 nights")
    choir = fhir_get(base, f"Goal/{choir_goal}")
    assert choir["lifecycleStatus"] == "on-hold"
    assert choir["description"]["text"].startswith(
        "Join a community choir rehearsal twice a month, recorded at each session; review by"
    )
    plan = fhir_get(base, f"CarePlan/{plan_client['plan']}")
    assert marker(plan, review)[0]["text"].startswith("Treatment-plan review ")
    assert (
        "- Join a community choir rehearsal twice a month: On hold. Revised to:"
        in (marker(plan, review)[0]["text"])
    )
    for reference in [f"Goal/{g}" for g in plan_client["goals"]] + [f"CarePlan/{plan['id']}"]:
        assert len(history(base, reference)) == 2, reference
    provenances = fhir_get(base, f"Provenance?target=CarePlan/{plan['id']}")
    assert provenances["total"] == 1
    provenance = provenances["entry"][0]["resource"]
    assert provenance["id"] == approval.provenance_id
    assert {t["reference"] for t in provenance["target"]} == {
        *(f"Goal/{g}" for g in plan_client["goals"]),
        f"CarePlan/{plan['id']}",
    }
    roles = {a["type"]["coding"][0]["code"]: a["who"] for a in provenance["agent"]}
    assert roles["author"]["reference"] == roles["verifier"]["reference"] == "Practitioner/pr-chen"
    assert roles["assembler"]["reference"] == "#engine"
    assert [s["code"] for s in provenance["meta"]["security"]] == [AI_LABEL]
    cited = {e["what"].get("reference") for e in provenance["entity"]}
    assert {f"Observation/{o}" for o in (plan_client["scores"][0], plan_client["scores"][-1])} <= (
        cited
    )
    assert f"DocumentReference/{plan_client['notes'][-1]}" in cited

    kinds = list(
        LedgerEntry.objects.filter(client_id=plan_client["client"])
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == ["ai.draft", *["review.section"] * 3, "review.approve", "ehr.write"]


def test_approving_again_writes_nothing_more_and_the_next_review_starts_from_this_one(
    ehr, clinician, plan_client
):
    review = drafted(clinician, plan_client["client"])
    accept_all(clinician, review)
    approve = async_to_sync(services.plan_review_approve_and_write)
    first = approve(actor=clinician, review=review, idempotency_key="a")
    again = approve(actor=clinician, review=review, idempotency_key="b")

    assert again.pk == first.pk and again.status == PlanApproval.Status.WRITTEN
    assert len(history(ehr.base_url, f"CarePlan/{plan_client['plan']}")) == 2
    plan = async_to_sync(get_gateway().treatment_plan)(plan_client["client"])
    assert plan.last_review == timezone.now().date() and str(review.id) in plan.reviews
    assert drafted(clinician, plan_client["client"]).since == plan.last_review


async def test_twenty_concurrent_approves_update_each_goal_once_with_one_provenance(
    ehr, clinician, plan_client
):
    review = await sync_to_async(drafted)(clinician, plan_client["client"])
    await sync_to_async(accept_all)(clinician, review)
    client = AsyncClient()
    await client.aforce_login(clinician)
    url = reverse("plan-approve", args=[plan_client["client"], review.id])

    responses = await asyncio.gather(
        *[
            client.post(url, {"idempotency_key": f"tab-{n % 3}"}, headers={"HX-Request": "true"})
            for n in range(20)
        ]
    )

    assert {r.status_code for r in responses} == {200}
    assert await PlanApproval.objects.filter(review=review).acount() == 1
    base = ehr.base_url
    for goal in plan_client["goals"]:
        versions = history(base, f"Goal/{goal}")
        assert len(versions) == 2 and len(marker(versions[0], review)) == 1
    assert len(history(base, f"CarePlan/{plan_client['plan']}")) == 2
    assert fhir_get(base, f"Provenance?target=CarePlan/{plan_client['plan']}")["total"] == 1
    writes = LedgerEntry.objects.filter(kind="ehr.write", meta__plan_review=str(review.id))
    assert await writes.acount() == 1


async def test_the_ehr_write_itself_is_idempotent_when_two_writers_race(
    ehr, clinician, plan_client, gateway
):
    """Even past the database claim (two servers, a lost response and a retry), the review
    marker and If-Match give one update."""
    review = await sync_to_async(drafted)(clinician, plan_client["client"])
    await sync_to_async(accept_all)(clinician, review)
    approval = await sync_to_async(services.plan_review_approve)(
        actor=clinician, review=review, idempotency_key="race"
    )
    update = await sync_to_async(services.plan_update)(
        await sync_to_async(services._load)(approval.pk)
    )

    results = await asyncio.gather(*[gateway.write_plan_update(update) for _ in range(5)])

    assert sum(not r.already for r in results) == 1
    assert len({r.provenance_id for r in results}) == 1 and results[0].provenance_id
    assert len(history(ehr.base_url, f"CarePlan/{plan_client['plan']}")) == 2
    assert fhir_get(ehr.base_url, f"Provenance?target=CarePlan/{plan_client['plan']}")["total"] == 1


def test_a_plan_changed_in_the_ehr_since_the_draft_is_not_written_and_says_redraft(
    ehr, clinician, plan_client, sandbox_control
):
    review = drafted(clinician, plan_client["client"])
    accept_all(clinician, review)
    goal = fhir_get(ehr.base_url, f"Goal/{plan_client['goals'][1]}")
    sandbox_control.update({**goal, "description": {"text": "Sleep 8 hours a night"}})

    approval = async_to_sync(services.plan_review_approve_and_write)(
        actor=clinician, review=review, idempotency_key="late"
    )

    assert approval.status == PlanApproval.Status.FAILED
    assert "The treatment plan changed in the EHR since this review was drafted" in (
        approval.last_error
    )
    assert "Draft the review again." in approval.last_error
    assert len(history(ehr.base_url, f"Goal/{plan_client['goals'][0]}")) == 1  # all or nothing
    assert len(history(ehr.base_url, f"CarePlan/{plan_client['plan']}")) == 1
    assert fhir_get(ehr.base_url, f"Provenance?target=CarePlan/{plan_client['plan']}")["total"] == 0
    failed = LedgerEntry.objects.get(kind="ehr.write", meta__plan_review=str(review.id))
    assert failed.outcome == "error"


def test_an_unavailable_ehr_keeps_the_approval_waiting_and_approve_tries_again(
    ehr, clinician, plan_client, sandbox_control
):
    review = drafted(clinician, plan_client["client"])
    accept_all(clinician, review)
    approve = async_to_sync(services.plan_review_approve_and_write)
    sandbox_control.configure(failStatus=503)
    try:
        waiting = approve(actor=clinician, review=review, idempotency_key="down")
    finally:
        sandbox_control.configure(failStatus=0)

    assert waiting.status == PlanApproval.Status.PENDING
    assert waiting.last_error == "The EHR is unavailable right now."
    written = approve(actor=clinician, review=review, idempotency_key="down")
    assert written.status == PlanApproval.Status.WRITTEN and written.attempts == 2
    assert len(history(ehr.base_url, f"CarePlan/{plan_client['plan']}")) == 2


def test_the_outbox_worker_writes_a_waiting_review_once_its_backoff_has_passed(
    ehr, clinician, plan_client, sandbox_control, settings
):
    from io import StringIO

    from django.core.management import call_command

    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    review = drafted(clinician, plan_client["client"])
    accept_all(clinician, review)
    sandbox_control.configure(failStatus=503)
    try:
        waiting = async_to_sync(services.plan_review_approve_and_write)(
            actor=clinician, review=review, idempotency_key="worker"
        )
    finally:
        sandbox_control.configure(failStatus=0)
    assert waiting.status == PlanApproval.Status.PENDING
    assert waiting.next_attempt_at > timezone.now()  # backing off: not due yet
    assert services.claim_due_plan_approvals() == []

    PlanApproval.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())
    out = StringIO()
    call_command("run_outbox", "--once", stdout=out)
    call_command("run_outbox", "--once", stdout=out)  # nothing due any more

    written = PlanApproval.objects.get(pk=waiting.pk)
    assert written.status == PlanApproval.Status.WRITTEN and written.attempts == 2
    assert out.getvalue().count(f"plan review {review.id}: written") == 1
    assert len(history(ehr.base_url, f"CarePlan/{plan_client['plan']}")) == 2


@pytest.mark.services
def test_parallel_sweeps_claim_disjoint_batches_of_the_due_plan_approvals(clinician):
    """Four senders sweep 40 due plan approvals at once, 3 a claim: each approval is
    claimed by exactly one of them (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    assert connection.vendor == "postgresql"
    due = set()
    for i in range(40):
        review = PlanReview.objects.create(
            client_id="bh-002",
            author=clinician,
            careplan_id="plan",
            engine_name="grounded",
            engine_version="1",
            status=PlanReview.Status.COMPLETE,
        )
        approval = PlanApproval.objects.create(
            review=review, approved_by=clinician, idempotency_key=f"k{i}"
        )
        due.add(approval.pk)
    start = Barrier(4)

    def sweep(_: int) -> list[int]:
        start.wait()
        claimed = []
        try:
            while ids := services.claim_due_plan_approvals(3):
                claimed += ids
            return claimed
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(sweep, range(4)))

    every = [pk for batch in batches for pk in batch]
    assert sorted(every) == sorted(due)  # each approval once: none twice, none left
    assert sum(1 for batch in batches if batch) >= 2  # the senders really shared the work
    statuses = set(PlanApproval.objects.filter(pk__in=due).values_list("status", flat=True))
    assert statuses == {PlanApproval.Status.SENDING}
