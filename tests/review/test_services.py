"""Review services: decisions, risk-flag gating, approval rules, input validation."""

from __future__ import annotations

import pytest

from copilot.review import selectors, services
from copilot.review.models import Approval, Draft, DraftSection, WriteBack
from tests.factories import ClinicianFactory, RiskFlagFactory, soap_draft

pytestmark = pytest.mark.django_db


def decide_all(draft, decision="accepted"):
    for section in draft.sections.all():
        services.section_decide(actor=draft.author, draft=draft, key=section.key, decision=decision)


def test_it_rejects_approval_of_undecided_sections():
    draft = soap_draft()
    services.section_decide(actor=draft.author, draft=draft, key="subjective", decision="accepted")
    with pytest.raises(services.ReviewError, match=r"Decide every section \(3 left\)"):
        services.draft_approve(actor=draft.author, draft=draft, idempotency_key="k1")
    assert not Approval.objects.exists()


def test_a_positive_risk_flag_blocks_approval_until_acknowledged():
    draft = soap_draft()
    flag = RiskFlagFactory(draft=draft)
    RiskFlagFactory(draft=draft, negated=True, quote="denies HI", kind="homicidal_ideation")
    decide_all(draft)
    assert selectors.approval_blockers(draft) == ["Acknowledge the risk flag (1)."]

    services.flag_acknowledge(actor=draft.author, draft=draft, flag_id=flag.pk)

    assert selectors.approval_blockers(draft) == []
    flag.refresh_from_db()
    assert flag.acknowledged_by == draft.author and flag.acknowledged_at is not None


def test_kept_placeholders_block_approval_until_completed():
    draft = soap_draft()
    section = draft.sections.get(key="objective")
    section.ai_text = (
        "Mood low. [clinician to complete: mental status: thought process and content]"
    )
    section.save()
    decide_all(draft)
    assert selectors.approval_blockers(draft) == ["Complete or remove 1 placeholder."]

    services.section_decide(
        actor=draft.author,
        draft=draft,
        key="objective",
        decision="edited",
        text="Mood low. Thought process linear.",
    )
    assert selectors.approval_blockers(draft) == []


def test_an_incomplete_draft_can_never_be_approved():
    draft = soap_draft(status=Draft.Status.INCOMPLETE, status_detail="The AI model failed")
    decide_all(draft)
    with pytest.raises(services.ReviewError, match="incomplete"):
        services.draft_approve(actor=draft.author, draft=draft, idempotency_key="k1")


def test_rejecting_every_section_leaves_nothing_to_approve():
    draft = soap_draft()
    decide_all(draft, "rejected")
    assert selectors.approval_blockers(draft) == [
        "Every section was rejected: there is no note to approve."
    ]


def test_accept_keeps_the_ai_text_edit_keeps_the_edit_and_reject_drops_the_section():
    draft = soap_draft()
    author = draft.author
    services.section_decide(actor=author, draft=draft, key="subjective", decision="accepted")
    services.section_decide(
        actor=author, draft=draft, key="objective", decision="edited", text="Affect bright."
    )
    services.section_decide(actor=author, draft=draft, key="assessment", decision="rejected")
    services.section_decide(
        actor=author, draft=draft, key="plan", decision="edited", text="Plan text from the input."
    )
    decisions = dict(draft.sections.values_list("key", "decision"))
    assert decisions == {
        "subjective": "accepted",
        "objective": "edited",
        "assessment": "rejected",
        "plan": "accepted",  # an "edit" identical to the AI text is an acceptance
    }
    assert selectors.note_text(draft) == (
        "Subjective:\nSubjective text from the input.\n\n"
        "Objective:\nAffect bright.\n\n"
        "Plan:\nPlan text from the input."
    )


def test_only_the_author_can_decide_or_approve():
    draft = soap_draft()
    other = ClinicianFactory().user
    with pytest.raises(services.ReviewError, match="author"):
        services.section_decide(actor=other, draft=draft, key="plan", decision="accepted")
    decide_all(draft)
    with pytest.raises(services.ReviewError, match="author"):
        services.draft_approve(actor=other, draft=draft, idempotency_key="k1")


def test_approving_twice_with_any_key_yields_one_approval_and_one_outbox_entry():
    draft = soap_draft()
    decide_all(draft)
    first = services.draft_approve(actor=draft.author, draft=draft, idempotency_key="tab-1")
    again = services.draft_approve(actor=draft.author, draft=draft, idempotency_key="tab-1")
    other_tab = services.draft_approve(actor=draft.author, draft=draft, idempotency_key="tab-2")
    assert first.pk == again.pk == other_tab.pk
    assert WriteBack.objects.filter(approval=first).count() == 1
    assert first.note_text.startswith("Subjective:\n")


def test_an_approved_note_can_no_longer_be_changed():
    draft = soap_draft()
    decide_all(draft)
    services.draft_approve(actor=draft.author, draft=draft, idempotency_key="k1")
    with pytest.raises(services.ReviewError, match="approved"):
        services.section_decide(actor=draft.author, draft=draft, key="plan", decision="rejected")
    assert draft.sections.get(key="plan").decision == DraftSection.Decision.ACCEPTED


@pytest.mark.parametrize(
    ("template", "text", "field", "message"),
    [
        ("soap", "   \n ", "text", "Type or paste your session notes"),
        ("soap", "x" * 60_001, "text", "The text is 60,001 characters; the limit is 60,000."),
        ("sbar", "Client reported better sleep.", "template", "There is no note template 'sbar'."),
    ],
)
def test_bad_input_gets_a_clear_message_naming_the_field(template, text, field, message):
    with pytest.raises(services.DraftInputError) as caught:
        services.draft_input_validate(template_key=template, text=text)
    assert caught.value.field == field
    assert message in caught.value.message


def test_the_retry_delay_doubles_and_is_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 5, 60
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 40, 60]


def test_a_draft_still_being_written_says_so():
    draft = soap_draft(status=Draft.Status.GENERATING)
    assert selectors.approval_blockers(draft) == ["The draft is still being written."]


def test_a_draft_left_generating_by_a_stopped_server_is_marked_interrupted():
    from datetime import timedelta

    from django.utils import timezone

    draft = soap_draft(status=Draft.Status.GENERATING)
    assert services.draft_expire_if_stale(draft=draft).status == Draft.Status.GENERATING
    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    draft.refresh_from_db()
    expired = services.draft_expire_if_stale(draft=draft)
    assert (expired.status, expired.status_detail) == (Draft.Status.INCOMPLETE, "interrupted")
