"""The Treatment plan tab over HTTP: overdue flag, draft, per-goal decisions, Approve."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from copilot.plans.engine import day
from copilot.plans.models import PlanApproval, PlanReview
from tests.factories import ClinicianFactory

from .conftest import fhir_get

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"HX-Request": "true"}


def test_the_tab_is_in_the_sidebar_and_loads_its_panel(client, ehr, clinician):
    client.force_login(clinician)
    sidebar = client.get(reverse("sidebar", args=["bh-001"])).content.decode()
    assert 'id="tab-plan"' in sidebar and 'hx-get="/sidebar/bh-001/plan/"' in sidebar


def test_a_plan_past_its_review_date_is_flagged_overdue(client, ehr, clinician, settings):
    client.force_login(clinician)
    url = reverse("plan-panel", args=["bh-001"])
    body = client.get(url, headers=HTMX).content.decode()
    # The seed starts every plan 112 days before the sandbox's day; never reviewed since.
    start = fhir_get(ehr.base_url, "CarePlan/plan-bh-001")["period"]["start"]
    days = (timezone.localdate() - date.fromisoformat(start)).days
    assert days >= 112
    assert (
        f"Plan review overdue: last reviewed {day(date.fromisoformat(start))} ({days} days ago)."
        in body
    )
    assert "Treatment plan for Maya Thompson" in body and "3 goals" in body
    assert "<html" not in body
    settings.PLAN_REVIEW_DAYS = 120
    assert "Plan review overdue" not in client.get(url, headers=HTMX).content.decode()


def test_draft_shows_each_goal_with_evidence_status_and_wording(client, ehr, clinician):
    client.force_login(clinician)
    response = client.post(reverse("plan-draft", args=["bh-004"]), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    review = PlanReview.objects.get(client_id="bh-004")
    assert review.goals.count() == 2 and review.status == "complete"
    assert "Return to work part-time within 10 weeks" in body
    assert "PHQ-9 went from 14 on" in body and "Suggested: <strong>Achieved</strong>" in body
    assert "DocumentReference/note-bh-004-" in body  # each quote's source on hover
    assert "Decide every goal (2 left)." in body
    assert re.search(r'<button type="submit" class="primary" disabled>Approve', body)


def test_decisions_are_saved_and_a_refused_edit_keeps_what_was_typed(
    client, ehr, clinician, plan_client
):
    client.force_login(clinician)
    c = plan_client["client"]
    client.post(reverse("plan-draft", args=[c]), headers=HTMX)
    review = PlanReview.objects.get(client_id=c)
    goal_url = reverse("plan-goal", args=[c, review.id, plan_client["goals"][1]])

    refused = client.post(
        goal_url,
        {"decision": "edited", "status": "done", "description": "Sleep 8 hours", "summary": "Mine"},
        headers=HTMX,
    )
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "Choose a status: in progress, achieved, sustaining or on hold." in body
    assert ">Sleep 8 hours</textarea>" in body and ">Mine</textarea>" in body

    ok = client.post(goal_url, {"decision": "rejected"}, headers=HTMX)
    assert ok.status_code == 200 and "Rejected: this goal is left as it is in the EHR." in (
        ok.content.decode()
    )
    assert review.goals.get(goal_id=plan_client["goals"][1]).decision == "rejected"


def test_approve_writes_and_says_so_and_the_goal_left_out_is_unchanged(
    client, ehr, clinician, plan_client
):
    client.force_login(clinician)
    c = plan_client["client"]
    client.post(reverse("plan-draft", args=[c]), headers=HTMX)
    review = PlanReview.objects.get(client_id=c)
    for goal, decision in zip(
        plan_client["goals"], ["accepted", "accepted", "rejected"], strict=True
    ):
        client.post(
            reverse("plan-goal", args=[c, review.id, goal]), {"decision": decision}, headers=HTMX
        )

    response = client.post(
        reverse("plan-approve", args=[c, review.id]),
        {"idempotency_key": review.id.hex},
        headers=HTMX,
    )

    body = response.content.decode()
    approval = PlanApproval.objects.get(review=review)
    assert approval.status == "written"
    assert f"with Provenance/{approval.provenance_id}." in body
    assert "Approve and update" not in body and "Accept</button>" not in body  # locked
    untouched = fhir_get(ehr.base_url, f"Goal/{plan_client['goals'][2]}")
    assert untouched["lifecycleStatus"] == "active" and "note" not in untouched


def test_another_clients_review_or_another_authors_is_404(client, ehr, clinician, plan_client):
    client.force_login(clinician)
    client.post(reverse("plan-draft", args=["bh-001"]), headers=HTMX)
    review = PlanReview.objects.get(client_id="bh-001")
    wrong_client = reverse("plan-approve", args=[plan_client["client"], review.id])
    assert client.post(wrong_client, {"idempotency_key": "k"}).status_code == 404
    other = ClinicianFactory(user__username="chen2")  # also Mei Chen's caseload, not the author
    client.force_login(other.user)
    own_client = reverse("plan-goal", args=["bh-001", review.id, "goal-bh-001-1"])
    assert client.post(own_client, {"decision": "accepted"}).status_code == 404


def test_a_client_without_a_plan_is_told_so(client, ehr, clinician, new_client):
    client.force_login(clinician)
    body = client.get(reverse("plan-panel", args=[new_client]), headers=HTMX).content.decode()
    assert "This client has no active treatment plan (CarePlan) in the EHR." in body
    response = client.post(reverse("plan-draft", args=[new_client]), headers=HTMX)
    assert response.status_code == 400
    assert response.content.decode().count("no active treatment plan") == 2
