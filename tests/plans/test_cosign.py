"""Plan reviews of a pre-licensed clinician go to the supervisor's co-signature queue:
submit (review locked), co-sign (written to the sandbox EHR once, the supervisor in the
Provenance as verifier and legal authenticator), return with a comment and resubmit;
who may act; repeated and concurrent submits and co-signs."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient
from django.urls import reverse

from copilot.audit.models import LedgerEntry
from copilot.plans import cosign, selectors, services
from copilot.plans.errors import PlanError
from copilot.plans.models import PlanApproval, PlanCosignRequest
from copilot.review.cosign import COMMENT_MAX_CHARS
from tests.conftest import care_team
from tests.factories import ClinicianFactory
from tests.review.supervision import supervision

from .conftest import fhir_get, history
from .test_write import accept_all, drafted, marker

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def patel_client(plan_client, sandbox_control) -> dict:
    """A fresh plan client also on Arjun Patel's CareTeam (so on Rivera's caseload)."""
    sandbox_control.create(care_team(plan_client["client"], "pr-patel"))
    return plan_client


def submitted(plan_client, key: str = "k1"):
    """Patel drafts and accepts every goal, then approves: (people, review, request)."""
    people = supervision()
    review = drafted(people.clinician, plan_client["client"])
    accept_all(people.clinician, review)
    request = services.plan_review_approve(
        actor=people.clinician, review=review, idempotency_key=key
    )
    return people, review, request


def deliver(approval: PlanApproval) -> PlanApproval:
    return async_to_sync(services.plan_approval_deliver)(approval.pk)


def test_approve_submits_a_pending_request_locks_the_review_and_writes_nothing(ehr, patel_client):
    people, review, request = submitted(patel_client)

    assert isinstance(request, PlanCosignRequest)
    assert request.status == PlanCosignRequest.Status.PENDING
    assert request.submitted_by == people.clinician
    assert not PlanApproval.objects.exists()
    assert list(selectors.plan_cosign_queue(people.supervisor)) == [request]
    with pytest.raises(PlanError, match="waiting for co-signature"):
        services.plan_goal_decide(
            actor=people.clinician,
            review=review,
            goal_id=patel_client["goals"][0],
            decision="rejected",
        )
    again = services.plan_review_approve(actor=people.clinician, review=review, idempotency_key="x")
    assert again == request and PlanCosignRequest.objects.count() == 1
    approval_entry = LedgerEntry.objects.get(
        kind="review.approve", meta__plan_review=str(review.id)
    )
    assert approval_entry.meta["routed"] == "cosign"
    assert len(history(ehr.base_url, f"CarePlan/{patel_client['plan']}")) == 1


def test_the_supervisor_cosigns_and_the_plan_is_written_once_naming_them_verifier_and_legal(
    ehr, patel_client
):
    people, review, request = submitted(patel_client)

    approval = cosign.plan_review_cosign(actor=people.supervisor, request=request)
    written = deliver(approval)
    again = cosign.plan_review_cosign(actor=people.supervisor, request=request)
    deliver(again)

    assert again.pk == approval.pk and PlanApproval.objects.count() == 1
    assert written.status == PlanApproval.Status.WRITTEN and written.attempts == 1
    assert approval.approved_by == people.supervisor
    request.refresh_from_db()
    assert request.status == PlanCosignRequest.Status.COSIGNED and request.approval == approval
    assert request.decided_by == people.supervisor
    base = ehr.base_url
    assert len(history(base, f"CarePlan/{patel_client['plan']}")) == 2
    plan = fhir_get(base, f"CarePlan/{patel_client['plan']}")
    note = marker(plan, review)[0]
    assert note["text"].startswith("Treatment-plan review ")
    assert "by Arjun Patel, co-signed by Dr. Elena Rivera (evidence since" in note["text"]
    assert note["authorReference"]["reference"] == "Practitioner/pr-patel"
    provenances = fhir_get(base, f"Provenance?target=CarePlan/{patel_client['plan']}")
    assert provenances["total"] == 1
    agents = [
        (a["type"]["coding"][0]["code"], a["who"]["reference"])
        for a in provenances["entry"][0]["resource"]["agent"]
    ]
    assert agents == [
        ("author", "Practitioner/pr-patel"),
        ("verifier", "Practitioner/pr-patel"),
        ("verifier", "Practitioner/pr-rivera"),
        ("legal", "Practitioner/pr-rivera"),
        ("assembler", "#engine"),
    ]
    kinds = list(
        LedgerEntry.objects.filter(client_id=patel_client["client"])
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "ai.draft",
        *["review.section"] * 3,
        "review.approve",
        "review.cosign",
        "ehr.write",
    ]


def test_another_supervisor_or_the_clinician_cannot_cosign_or_return(ehr, patel_client):
    people, _, request = submitted(patel_client)
    stranger = ClinicianFactory(
        display_name="Other Supervisor", role=ClinicianFactory._meta.model.Role.SUPERVISOR
    ).user

    for actor in (stranger, people.clinician):
        with pytest.raises(PlanError, match="Only the clinician's supervisor"):
            cosign.plan_review_cosign(actor=actor, request=request)
        with pytest.raises(PlanError, match="Only the clinician's supervisor"):
            cosign.plan_review_return(actor=actor, request=request, comment="No.")

    request.refresh_from_db()
    assert request.status == PlanCosignRequest.Status.PENDING
    assert not PlanApproval.objects.exists()


def test_a_returned_review_is_editable_shows_the_comment_and_the_next_approve_resubmits(
    ehr, patel_client
):
    people, review, request = submitted(patel_client)
    for comment, message in [
        ("  ", "a comment is required"),
        ("x" * (COMMENT_MAX_CHARS + 1), "The comment is over 4,000 characters"),
    ]:
        with pytest.raises(PlanError, match=message):
            cosign.plan_review_return(actor=people.supervisor, request=request, comment=comment)

    returned = cosign.plan_review_return(
        actor=people.supervisor, request=request, comment="Add the sleep diary figures."
    )

    assert returned.status == PlanCosignRequest.Status.RETURNED
    assert returned.comment == "Add the sleep diary figures."
    assert list(selectors.plan_cosign_queue(people.supervisor)) == []
    with pytest.raises(PlanError, match="not waiting for co-signature"):
        cosign.plan_review_cosign(actor=people.supervisor, request=returned)
    sleep_goal = patel_client["goals"][1]
    services.plan_goal_decide(
        actor=people.clinician,
        review=review,
        goal_id=sleep_goal,
        decision="edited",
        status="in-progress",
        description="Sleep at least 7 hours on 5 of 7 nights",
        summary="Sleep diary: 7 hours on 5 of 7 nights in the last two weeks.",
    )
    with pytest.raises(PlanError, match="already used"):
        services.plan_review_approve(actor=people.clinician, review=review, idempotency_key="k1")
    resubmitted = services.plan_review_approve(
        actor=people.clinician, review=review, idempotency_key="k2"
    )
    assert resubmitted.pk != request.pk and resubmitted.status == PlanCosignRequest.Status.PENDING
    assert review.cosign_requests.count() == 2
    returns = LedgerEntry.objects.filter(kind="review.return", meta__plan_review=str(review.id))
    assert returns.count() == 1
    assert not PlanApproval.objects.exists()


def test_cosign_is_refused_without_an_assigned_supervisor(ehr, patel_client):
    alone = ClinicianFactory(requires_cosign=True).user
    review = drafted(alone, patel_client["client"])
    accept_all(alone, review)
    with pytest.raises(PlanError, match="no supervisor is assigned"):
        services.plan_review_approve(actor=alone, review=review, idempotency_key="k")
    assert not PlanCosignRequest.objects.exists() and not PlanApproval.objects.exists()


async def test_concurrent_submits_make_one_pending_request(ehr, patel_client):
    people = await sync_to_async(supervision)()
    review = await sync_to_async(drafted)(people.clinician, patel_client["client"])
    await sync_to_async(accept_all)(people.clinician, review)
    client = AsyncClient()
    await client.aforce_login(people.clinician)
    url = reverse("plan-approve", args=[patel_client["client"], review.id])

    responses = await asyncio.gather(
        *[client.post(url, {"idempotency_key": f"tab-{n % 3}"}, headers=HTMX) for n in range(12)]
    )

    assert {r.status_code for r in responses} == {200}
    assert await PlanCosignRequest.objects.filter(review=review).acount() == 1
    assert "Sent to Dr. Elena Rivera for co-signature" in responses[-1].content.decode()
    assert not await PlanApproval.objects.aexists()
    approvals = LedgerEntry.objects.filter(kind="review.approve", meta__plan_review=str(review.id))
    assert await approvals.acount() == 1


async def test_concurrent_cosigns_make_one_approval_and_one_ehr_write(ehr, patel_client):
    people, review, request = await sync_to_async(submitted)(patel_client)
    client = AsyncClient()
    await client.aforce_login(people.supervisor)
    url = reverse("plan-cosign-sign", args=[request.pk])

    responses = await asyncio.gather(*[client.post(url, headers=HTMX) for _ in range(8)])

    assert {r.status_code for r in responses} == {200}
    approval = await PlanApproval.objects.aget(review=review)
    assert approval.approved_by_id == people.supervisor.pk
    base = ehr.base_url
    assert len(history(base, f"CarePlan/{patel_client['plan']}")) == 2
    assert fhir_get(base, f"Provenance?target=CarePlan/{patel_client['plan']}")["total"] == 1
    cosigns = LedgerEntry.objects.filter(kind="review.cosign", meta__plan_review=str(review.id))
    assert await cosigns.acount() == 1
    writes = LedgerEntry.objects.filter(kind="ehr.write", meta__plan_review=str(review.id))
    assert await writes.acount() == 1
