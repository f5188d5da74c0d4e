"""Plan reviews in the supervisor's co-signature queue over HTTP: the queue rows, the
review page (each goal as decided against the AI draft), co-sign and return buttons,
who may open them, and what the clinician's Treatment plan tab shows meanwhile."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from copilot.accounts.models import Clinician
from copilot.plans import cosign, services
from copilot.plans.models import PlanCosignRequest, PlanGoalSection, PlanReview
from tests.factories import ClinicianFactory
from tests.review.supervision import supervision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehr")]  # caseloads: CareTeams
HTMX = {"HX-Request": "true"}
CLIENT = "bh-003"  # Alex Morgan, on Arjun Patel's CareTeam in the sandbox


def _goal(review, position: int, **fields) -> PlanGoalSection:
    defaults = {
        "goal_id": f"goal-{CLIENT}-{position + 1}",
        "position": position,
        "lifecycle_status": "active",
        "achievement_status": "in-progress",
        "ai_status": "in-progress",
        "final_status": "in-progress",
    }
    return PlanGoalSection.objects.create(review=review, **(defaults | fields))


def decided_review(author) -> PlanReview:
    """A complete review of CLIENT's plan (no EHR read) with three goals: one accepted as
    drafted (AI-revised wording), one edited, one undecided (decided by the caller)."""
    review = PlanReview.objects.create(
        client_id=CLIENT,
        author=author,
        careplan_id=f"plan-{CLIENT}",
        careplan_title="Treatment plan for Alex Morgan",
        engine_name="grounded",
        engine_version="1.0",
        status=PlanReview.Status.COMPLETE,
    )
    _goal(
        review,
        0,
        description="Attend the weekly group",
        ai_status="on-hold",
        ai_summary="No evidence since last review.",
        ai_revised="Attend the weekly group on 3 of 4 weeks, recorded at each session",
    )
    _goal(
        review,
        1,
        description="Reduce PHQ-9 total below 10",
        ai_status="in-progress",
        ai_summary="PHQ-9 went from 16 to 12.",
    )
    _goal(review, 2, description="Walk 20 minutes daily", ai_summary="Walks most days.")
    services.plan_goal_decide(
        actor=author, review=review, goal_id=f"goal-{CLIENT}-1", decision="accepted"
    )
    services.plan_goal_decide(
        actor=author,
        review=review,
        goal_id=f"goal-{CLIENT}-2",
        decision="edited",
        status="achieved",
        description="Reduce PHQ-9 total below 10",
        summary="PHQ-9 went from 16 to 8 by the last session.",
    )
    services.plan_goal_decide(
        actor=author, review=review, goal_id=f"goal-{CLIENT}-3", decision="rejected"
    )
    return review


def submitted():
    people = supervision()
    review = decided_review(people.clinician)
    request = services.plan_review_approve(
        actor=people.clinician, review=review, idempotency_key=review.id.hex
    )
    return people, review, request


def test_the_queue_lists_pending_plan_reviews_of_the_supervisees_only(client):
    people, review, request = submitted()
    other = ClinicianFactory(
        display_name="Nora Quinn",
        requires_cosign=True,
        supervisor=ClinicianFactory(display_name="Other Supervisor"),
    )
    services.plan_review_approve(
        actor=other.user, review=decided_review(other.user), idempotency_key="other"
    )

    client.force_login(people.supervisor)
    body = client.get(reverse("cosign-queue")).content.decode()

    assert "<strong>1</strong> plan review waiting for your co-signature" in body
    assert "<strong>0</strong> notes waiting" in body
    row = body[body.index(f'id="plan-queue-{request.id}"') :].split("</tr>")[0]
    assert "Alex Morgan" in row and "Arjun Patel" in row  # the client's name from the EHR
    assert "2 of 3 goals" in row  # one goal rejected: left as it is
    assert dateformat.format(timezone.localtime(request.submitted_at), "M j, Y") in row
    assert reverse("plan-cosign-review", args=[request.id]) in row
    assert "Nora Quinn" not in body


def test_the_review_page_shows_each_goal_as_decided_against_the_ai_draft(client):
    people, review, request = submitted()
    client.force_login(people.supervisor)

    body = client.get(reverse("plan-cosign-review", args=[request.id])).content.decode()

    assert "Treatment-plan review for Alex Morgan" in body and "By Arjun Patel" in body
    group, phq9, walk = body.split('id="plan-cosign-goal-')[1:4]
    assert "Decided: <strong>On hold</strong>" in group and "AI suggested" not in group
    assert "Attend the weekly group on 3 of 4 weeks" in group and "<ins>" not in group
    assert "Decided: <strong>Achieved</strong>" in phq9
    assert "(AI suggested In progress)" in phq9
    assert "<del>12.</del>" in phq9 and "<ins>8 by the last session.</ins>" in phq9
    assert "Rejected: this goal is left as it is in the EHR." in walk
    assert "Co-sign and update the plan in the EHR</button>" in body
    assert "Or return it to Arjun Patel with a comment" in body


def test_only_the_clinicians_supervisor_opens_the_review(client):
    people, _, request = submitted()
    url = reverse("plan-cosign-review", args=[request.id])
    stranger = ClinicianFactory(
        user__username="quinn", practitioner_id="pr-rivera", role=Clinician.Role.SUPERVISOR
    )  # on the same caseload, but not Patel's supervisor
    for user in (people.clinician, stranger.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(reverse("plan-cosign-sign", args=[request.id])).status_code == 404
    request.refresh_from_db()
    assert request.status == PlanCosignRequest.Status.PENDING


def test_return_needs_a_comment_keeps_what_was_typed_and_the_tab_shows_it(client):
    people, review, request = submitted()
    client.force_login(people.supervisor)
    return_url = reverse("plan-cosign-return", args=[request.id])

    long = "Please add the sleep diary. " * 150
    refused = client.post(return_url, {"comment": long}, headers=HTMX)
    assert refused.status_code == 400
    assert "The comment is over 4,000 characters; shorten it." in refused.content.decode()
    assert long.strip() in refused.content.decode()
    returned = client.post(return_url, {"comment": "Say how PHQ-9 was measured."})
    assert returned.status_code == 302 and returned.url == reverse("cosign-queue")

    client.force_login(people.clinician)
    tab = client.get(reverse("plan-panel", args=[CLIENT]), headers=HTMX).content.decode()
    assert "Returned by Dr. Elena Rivera" in tab and "Say how PHQ-9 was measured." in tab
    assert "Accept</button>" in tab  # editable again
    assert "Approve and send to Dr. Elena Rivera for co-signature</button>" in tab
    assert f'value="{review.id.hex}-1"' in tab  # the next Approve submits anew


def test_the_tab_names_the_supervisor_at_approve_and_after_submit(client):
    people = supervision()
    review = decided_review(people.clinician)
    client.force_login(people.clinician)
    url = reverse("plan-panel", args=[CLIENT])
    tab = client.get(url, headers=HTMX).content.decode()
    assert "Approve and send to Dr. Elena Rivera for co-signature</button>" in tab

    response = client.post(
        reverse("plan-approve", args=[CLIENT, review.id]),
        {"idempotency_key": review.id.hex},
        headers=HTMX,
    )

    body = response.content.decode()
    request = PlanCosignRequest.objects.get(review=review)
    when = dateformat.format(timezone.localtime(request.submitted_at), "M j, Y")
    assert response.status_code == 200
    assert f"Sent to Dr. Elena Rivera for co-signature {when}" in body
    assert "Accept</button>" not in body and "Approve and send" not in body  # locked
    poll = f'hx-get="{url}" hx-trigger="every 15s"'
    assert poll in body  # the tab follows the supervisor's decision
    assert poll not in tab  # nothing to wait for before the Approve
    refused = client.post(
        reverse("plan-goal", args=[CLIENT, review.id, f"goal-{CLIENT}-1"]),
        {"decision": "rejected"},
        headers=HTMX,
    )
    assert refused.status_code == 400
    assert "waiting for co-signature" in refused.content.decode()


def test_a_returned_request_cannot_be_cosigned_and_says_so(client):
    people, _, request = submitted()
    cosign.plan_review_return(actor=people.supervisor, request=request, comment="Redo it.")
    client.force_login(people.supervisor)
    response = client.post(reverse("plan-cosign-sign", args=[request.id]), headers=HTMX)
    assert response.status_code == 409
    assert "This plan review is not waiting for co-signature." in response.content.decode()
    page = client.get(reverse("plan-cosign-review", args=[request.id])).content.decode()
    assert "Returned to Arjun Patel" in page and "“Redo it.”" in page


@pytest.mark.parametrize(
    ("approval", "cosign", "waiting"),
    [
        (None, None, False),
        (None, "pending", True),
        (None, "returned", False),
        ("pending", "cosigned", True),
        ("sending", None, True),
        ("written", "cosigned", False),
        ("failed", None, False),
    ],
)
def test_the_tab_waits_only_for_a_supervisor_or_an_ehr_write(approval, cosign, waiting):
    from types import SimpleNamespace

    from copilot.plans.presenters import ReviewView

    view = ReviewView(
        review=None,
        goals=(),
        approval=SimpleNamespace(status=approval) if approval else None,
        blockers=(),
        cosign=SimpleNamespace(status=cosign) if cosign else None,
    )
    assert view.waiting is waiting
