"""The permission-checked fetches: one per object type. Views and consumers get a
client, a draft, a co-signature request, a cited note, a group, a group session, a
treatment-plan review, a plan review's co-signature request, a client's secure message,
a message drafted for a client or a drafted claim only through these.

Each raises `NotFound` when the object does not exist *or* the user may not see it
(the same answer, so a denial does not reveal that the object exists), and
`EhrError` when the EHR cannot say whose caseload a client is on.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from copilot.chart import SourceDocument
from copilot.claims.models import ClaimRecord
from copilot.ehr import get_gateway
from copilot.ehr.groups import GroupNotFound, GroupRoster
from copilot.groups.models import GroupSession
from copilot.inbox.models import MessageTriage, OutgoingMessage
from copilot.plans import selectors as plan_selectors
from copilot.plans.models import PlanCosignRequest, PlanReview
from copilot.retrieval.consent import part2_consent_in_force
from copilot.review import selectors
from copilot.review.models import CosignRequest, Draft

from .caseload import assigned_clients, care_team_clients, treating_clinicians


class NotFound(Http404):
    """Not there, or not this user's to see. The message names the object type only."""


async def client_for_user(user: AbstractBaseUser | None, client_id: str) -> str:
    """`client_id` if the client is on `user`'s caseload (copilot.access.caseload).

    Admin-maintained assignments are checked first (database only); the EHR's
    CareTeams (cached) after. Raises NotFound, or EhrError when the EHR is down and
    no assignment covers the client.
    """
    clinicians = await sync_to_async(treating_clinicians)(user)
    if clinicians:
        if client_id in await sync_to_async(assigned_clients)(clinicians):
            return client_id
        if client_id in await care_team_clients(user, clinicians):
            return client_id
    raise NotFound("client")


async def draft_for_user(user: AbstractBaseUser | None, draft_id: str) -> Draft:
    """The draft if `user` wrote it and its client is still on their caseload.

    A malformed id is NotFound too. Supervisors do not open their supervisees' drafts
    here: co-signing has its own fetch in copilot.review.
    """
    draft = await sync_to_async(_authored_draft)(user, draft_id)
    await client_for_user(user, draft.client_id)
    return draft


def _authored_draft(user: AbstractBaseUser | None, draft_id: str) -> Draft:
    if user is None or not user.is_authenticated:
        raise NotFound("draft")
    try:
        return Draft.objects.get(pk=draft_id, author=user)
    except (ValueError, TypeError, ValidationError, Draft.DoesNotExist):
        raise NotFound("draft") from None


async def cosign_request_for_user(user: AbstractBaseUser | None, draft_id: str) -> CosignRequest:
    """The latest co-signature request of draft `draft_id` if `user` supervises its author
    (Clinician.supervisor) and its client is on `user`'s caseload (a supervisor's covers
    their supervisees' clients). NotFound otherwise, also for a malformed id or a draft
    never sent for co-signature."""
    if user is None or not user.is_authenticated:
        raise NotFound("co-signature request")
    try:
        request = await sync_to_async(selectors.cosign_request_get_for_supervisor)(user, draft_id)
    except CosignRequest.DoesNotExist:
        raise NotFound("co-signature request") from None
    await client_for_user(user, request.draft.client_id)
    return request


async def document_for_user(
    user: AbstractBaseUser | None, client_id: str, reference: str
) -> SourceDocument:
    """A chart entry ("DocumentReference/abc") of a client on `user`'s caseload, as the
    EHR holds it now. NotFound when it belongs to another client, no longer exists, or
    is 42 CFR Part 2 information without the client's consent in force."""
    await client_for_user(user, client_id)
    document = await get_gateway().document(reference)
    if document is None or document.client_id != client_id:
        raise NotFound("document")
    if document.restricted and not await sync_to_async(part2_consent_in_force)(client_id):
        raise NotFound("document")
    return document


async def group_for_user(
    user: AbstractBaseUser | None, client_id: str, group_id: str
) -> GroupRoster:
    """The therapy group `group_id` (FHIR Group) with its roster, if `client_id` is on
    `user`'s caseload and an active member of the group. NotFound otherwise (also for an
    unknown group); EhrError when the EHR cannot tell. The roster names every member:
    only the group services read it; pages show members on the user's caseload only."""
    await client_for_user(user, client_id)
    try:
        roster = await get_gateway().group_roster(group_id)
    except GroupNotFound:
        raise NotFound("group") from None
    if client_id not in roster.group.member_ids:
        raise NotFound("group")
    return roster


async def group_session_for_user(user: AbstractBaseUser | None, session_id: str) -> GroupSession:
    """The group session if `user` drafted it (its facilitator). NotFound otherwise, also
    for a malformed id. Its members' notes are shown only for clients still on the
    user's caseload (copilot.groups.selectors.session_notes)."""
    if user is None or not user.is_authenticated:
        raise NotFound("group session")
    try:
        return await GroupSession.objects.aget(pk=session_id, author=user)
    except (ValueError, TypeError, ValidationError, GroupSession.DoesNotExist):
        raise NotFound("group session") from None


async def plan_review_for_user(
    user: AbstractBaseUser | None, client_id: str, review_id: str
) -> PlanReview:
    """The treatment-plan review `review_id` of client `client_id` if `user` drafted it
    and the client is still on their caseload. NotFound otherwise, also for a malformed
    id or a review of another client."""
    if user is None or not user.is_authenticated:
        raise NotFound("plan review")
    await client_for_user(user, client_id)
    try:
        return await sync_to_async(plan_selectors.plan_review_get)(
            author=user, client_id=client_id, review_id=review_id
        )
    except (ValueError, TypeError, ValidationError, PlanReview.DoesNotExist):
        raise NotFound("plan review") from None


async def plan_cosign_request_for_user(
    user: AbstractBaseUser | None, request_id: str
) -> PlanCosignRequest:
    """The co-signature request `request_id` of a treatment-plan review if `user` is the
    submitter's supervisor (Clinician.supervisor) and the review's client is on `user`'s
    caseload (a supervisor's covers their supervisees' clients). NotFound otherwise, also
    for a malformed id."""
    if user is None or not user.is_authenticated:
        raise NotFound("plan co-signature request")
    try:
        request = await sync_to_async(plan_selectors.plan_cosign_request_get_for_supervisor)(
            user, request_id
        )
    except PlanCosignRequest.DoesNotExist:
        raise NotFound("plan co-signature request") from None
    await client_for_user(user, request.review.client_id)
    return request


async def message_for_user(user: AbstractBaseUser | None, communication_id: str) -> MessageTriage:
    """The triage of a client's message addressed to `user`'s Practitioner, or escalated
    to `user`, whose client is still on their caseload (escalations excepted)."""
    row = await sync_to_async(_message)(user, communication_id)
    if row.practitioner_id == await sync_to_async(_practitioner_id)(user):
        await client_for_user(user, row.client_id)
    return row


def _practitioner_id(user) -> str:
    clinician = getattr(user, "clinician", None)
    return clinician.practitioner_id if clinician is not None else ""


def _message(user: AbstractBaseUser | None, communication_id: str) -> MessageTriage:
    if user is None or not user.is_authenticated:
        raise NotFound("message")
    mine = Q(escalated_to=user)
    if practitioner_id := _practitioner_id(user):
        mine |= Q(practitioner_id=practitioner_id)
    row = MessageTriage.objects.filter(mine, communication_id=communication_id).first()
    if row is None:
        raise NotFound("message")
    return row


async def outgoing_for_user(user: AbstractBaseUser | None, message_id) -> OutgoingMessage:
    """A message drafted for a client, authored by `user`."""
    if user is None or not user.is_authenticated:
        raise NotFound("outgoing message")
    found = await OutgoingMessage.objects.filter(pk=message_id, author=user).afirst()
    if found is None:
        raise NotFound("outgoing message")
    return found


async def claim_for_user(user: AbstractBaseUser | None, claim_id) -> ClaimRecord:
    """A drafted claim or prior-authorization request authored by `user`, whose client
    is still on their caseload."""
    if user is None or not user.is_authenticated:
        raise NotFound("claim")
    found = await ClaimRecord.objects.filter(pk=claim_id, author=user).afirst()
    if found is None:
        raise NotFound("claim")
    await client_for_user(user, found.client_id)
    return found
