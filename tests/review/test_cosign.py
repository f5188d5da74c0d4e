"""Co-signature services: routing to the supervisor's queue, co-sign, return and revise,
who may act, idempotency, and the note the EHR receives."""

from __future__ import annotations

import pytest

from copilot.audit.models import LedgerEntry
from copilot.review import cosign, outbox, selectors, services
from copilot.review.models import Approval, CosignRequest, WriteBack
from tests.factories import ClinicianFactory
from tests.review.supervision import ready_draft, supervision

pytestmark = pytest.mark.django_db


def submitted():
    people = supervision()
    draft = ready_draft(people.clinician)
    request = services.draft_approve(actor=people.clinician, draft=draft, idempotency_key="k1")
    return people, draft, request


def test_approve_by_a_clinician_who_needs_cosign_goes_to_the_supervisors_queue():
    people, draft, request = submitted()

    assert isinstance(request, CosignRequest)
    assert request.status == CosignRequest.Status.PENDING
    assert request.note_text == selectors.note_text(draft)
    assert not Approval.objects.exists() and not WriteBack.objects.exists()
    assert list(selectors.cosign_queue(people.supervisor)) == [request]


def test_approving_again_returns_the_pending_request():
    people, draft, request = submitted()
    again = services.draft_approve(actor=people.clinician, draft=draft, idempotency_key="k2")
    assert again == request
    assert CosignRequest.objects.count() == 1


def test_a_clinician_without_cosign_still_writes_straight_to_the_ehr():
    draft = ready_draft(ClinicianFactory().user)
    approval = services.draft_approve(actor=draft.author, draft=draft, idempotency_key="k")
    assert isinstance(approval, Approval)
    assert WriteBack.objects.filter(approval=approval).count() == 1
    assert not CosignRequest.objects.exists()


def test_cosign_is_refused_without_an_assigned_supervisor():
    clinician = ClinicianFactory(requires_cosign=True).user
    draft = ready_draft(clinician)
    with pytest.raises(services.ReviewError, match="no supervisor is assigned"):
        services.draft_approve(actor=clinician, draft=draft, idempotency_key="k")
    assert not Approval.objects.exists() and not CosignRequest.objects.exists()


def test_a_note_waiting_for_cosign_cannot_be_changed():
    people, draft, _ = submitted()
    with pytest.raises(services.ReviewError, match="waiting for co-signature"):
        services.section_decide(
            actor=people.clinician, draft=draft, key="plan", decision="edited", text="New plan."
        )


def test_cosign_makes_the_approval_and_the_outbox_entry_once():
    people, draft, request = submitted()

    approval = cosign.draft_cosign(actor=people.supervisor, draft=draft)
    again = cosign.draft_cosign(actor=people.supervisor, draft=draft)

    assert again == approval
    assert approval.approved_by == people.clinician
    assert approval.note_text == request.note_text
    assert WriteBack.objects.filter(approval__draft=draft).count() == 1
    request.refresh_from_db()
    assert request.status == CosignRequest.Status.COSIGNED
    assert (request.decided_by, request.approval) == (people.supervisor, approval)
    assert list(selectors.cosign_queue(people.supervisor)) == []
    entry = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.COSIGN, meta__draft=str(draft.id)
    ).get()
    assert entry.meta["draft"] == str(draft.id) and entry.actor_id == people.supervisor.pk


def test_the_cosigned_note_names_the_supervisor_as_verifier_and_legal_authenticator():
    people, draft, _ = submitted()
    approval = cosign.draft_cosign(actor=people.supervisor, draft=draft)

    note = outbox.approved_note(outbox._load(approval.write_back.pk))

    assert note.author.practitioner_id == "pr-patel"
    assert [v.practitioner_id for v in note.verifiers] == ["pr-patel", "pr-rivera"]
    assert note.legal_authenticator.display == "Dr. Elena Rivera"


def test_only_the_authors_supervisor_may_cosign_or_return():
    people, draft, _ = submitted()
    other_supervisor = ClinicianFactory(display_name="Another Supervisor").user
    ClinicianFactory(supervisor=other_supervisor.clinician)  # supervises someone else
    for actor in (other_supervisor, people.clinician, ClinicianFactory().user):
        with pytest.raises(services.ReviewError, match="Only the author's supervisor"):
            cosign.draft_cosign(actor=actor, draft=draft)
        with pytest.raises(services.ReviewError, match="Only the author's supervisor"):
            cosign.draft_return(actor=actor, draft=draft, comment="No.")
    assert list(selectors.cosign_queue(other_supervisor)) == []
    with pytest.raises(CosignRequest.DoesNotExist):
        selectors.cosign_request_get_for_supervisor(other_supervisor, str(draft.id))
    assert not Approval.objects.exists()


def test_return_needs_a_comment():
    people, draft, _ = submitted()
    with pytest.raises(services.ReviewError, match="comment is required"):
        cosign.draft_return(actor=people.supervisor, draft=draft, comment="   ")
    assert cosign.cosign_pending(draft) is not None


def test_a_returned_note_can_be_revised_and_approved_again():
    people, draft, first = submitted()

    returned = cosign.draft_return(
        actor=people.supervisor, draft=draft, comment="Add the safety plan review to Plan."
    )
    assert (returned.status, returned.comment) == (
        CosignRequest.Status.RETURNED,
        "Add the safety plan review to Plan.",
    )
    assert selectors.cosign_latest(draft) == returned
    services.section_decide(
        actor=people.clinician,
        draft=draft,
        key="plan",
        decision="edited",
        text="Reviewed the safety plan; client agreed to it.",
    )
    second = services.draft_approve(actor=people.clinician, draft=draft, idempotency_key="k2")

    assert second != first and second.status == CosignRequest.Status.PENDING
    assert "Reviewed the safety plan" in second.note_text
    assert "Reviewed the safety plan" not in first.note_text
    approval = cosign.draft_cosign(actor=people.supervisor, draft=draft)
    assert "Reviewed the safety plan" in approval.note_text
    with pytest.raises(services.ReviewError, match="not waiting for co-signature"):
        cosign.draft_return(actor=people.supervisor, draft=draft, comment="Too late")
    kinds = LedgerEntry.objects.filter(meta__draft=str(draft.id)).values_list("kind", flat=True)
    Kind = LedgerEntry.Kind
    decisions = [Kind.SECTION_DECISION] * 4
    assert list(kinds) == [
        *decisions,
        Kind.APPROVAL,  # submitted to the queue
        Kind.RETURN,
        Kind.SECTION_DECISION,  # the revision
        Kind.APPROVAL,
        Kind.COSIGN,
    ]


def test_reusing_the_key_of_a_returned_submission_asks_to_approve_again():
    people, draft, _ = submitted()
    cosign.draft_return(actor=people.supervisor, draft=draft, comment="Fix Plan.")
    with pytest.raises(services.ReviewError, match="approve again"):
        services.draft_approve(actor=people.clinician, draft=draft, idempotency_key="k1")


def test_nothing_pending_cannot_be_cosigned():
    people = supervision()
    draft = ready_draft(people.clinician)
    with pytest.raises(services.ReviewError, match="not waiting for co-signature"):
        cosign.draft_cosign(actor=people.supervisor, draft=draft)
