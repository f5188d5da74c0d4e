"""The access matrix: every HTTP route × method and every websocket action, as each role
and as a clinician of another caseload, against the sandbox EHR's CareTeams.

The routes come from Django's URL resolver and the actions from SidebarConsumer, so a
new route or action that is not classified in ROUTES / ACTIONS below fails
`test_every_route_is_classified` / `test_every_websocket_action_is_classified`.

The people are the sandbox's: Arjun Patel (pre-licensed; bh-003 is on his CareTeam),
his supervisor Elena Rivera, Samuel Okafor (another caseload) and a practice admin.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from copilot.access.models import CaseloadAssignment
from copilot.accounts.models import Clinician
from copilot.claims.models import ClaimRecord
from copilot.groups.models import GroupSession
from copilot.inbox.models import MessageTriage, OutgoingMessage
from copilot.kb.models import PracticeDocumentRecord
from copilot.plans import cosign as plan_cosign
from copilot.plans import services as plans
from copilot.plans.models import PlanCosignRequest, PlanGoalSection, PlanReview
from copilot.review import cosign, services
from copilot.web.consumers import SidebarConsumer
from tests.factories import ClinicianFactory, soap_draft
from tests.websocket import sidebar_socket

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("anonymous", "clinician", "supervisor", "other_caseload", "admin")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CLIENT = "bh-003"
PHI = ("bh-003", "Alex Morgan", "Morgan", "Subjective text from the input")

# Who may use a route: the roles let through to the view (others are denied).
PUBLIC = frozenset(ROLES)
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
CASELOAD = frozenset({"clinician", "supervisor"})
AUTHOR = frozenset({"clinician"})
SUPERVISOR = frozenset({"supervisor"})
ADMIN_SITE = frozenset({"admin"})


@dataclass(frozen=True)
class Route:
    """`allowed`: roles let through; `ok`: status per accepted method for them (other
    methods: 405); `denied`: what a denied signed-in role gets (404 for clinical
    objects); `url(world)`: a concrete URL. `machine` routes are not user-scoped: every
    role gets the same `ok` answers."""

    url: object
    allowed: frozenset
    ok: dict
    denied: int = 404
    machine: bool = False
    query: dict = field(default_factory=dict)


ROUTES: dict[str, Route] = {
    "client-picker": Route(
        lambda w: reverse("client-picker"), SIGNED_IN, {"GET": 200, "HEAD": 200}
    ),
    # Sign-in happens at the OpenID provider: these only redirect there and back.
    "login": Route(lambda w: reverse("login"), PUBLIC, {"GET": 302, "HEAD": 302}),
    "login-failed": Route(lambda w: reverse("login-failed"), PUBLIC, {"GET": 200, "HEAD": 200}),
    "oidc_authentication_init": Route(
        lambda w: reverse("oidc_authentication_init"), PUBLIC, {"GET": 302}
    ),
    # No code and state: to the sign-in problem page.
    "oidc_authentication_callback": Route(
        lambda w: reverse("oidc_authentication_callback"), PUBLIC, {"GET": 302}
    ),
    "logout": Route(lambda w: reverse("logout"), PUBLIC, {"POST": 302}),
    # No iss or launch: the launch problem page; a callback without state is refused.
    "smart-launch": Route(lambda w: reverse("smart-launch"), SIGNED_IN, {"GET": 400, "HEAD": 400}),
    "smart-callback": Route(
        lambda w: reverse("smart-callback"), SIGNED_IN, {"GET": 400, "HEAD": 400}
    ),
    "ehr-demo": Route(
        lambda w: reverse("ehr-demo", args=[CLIENT]), CASELOAD, {"GET": 200, "HEAD": 200}
    ),
    "sidebar": Route(
        lambda w: reverse("sidebar", args=[CLIENT]), CASELOAD, {"GET": 200, "HEAD": 200}
    ),
    "sidebar-chart": Route(
        lambda w: reverse("sidebar-chart", args=[CLIENT]), CASELOAD, {"GET": 200, "HEAD": 200}
    ),
    "sidebar-measures": Route(
        lambda w: reverse("sidebar-measures", args=[CLIENT]), CASELOAD, {"GET": 200, "HEAD": 200}
    ),
    # The practice's own documents hold no client data: any signed-in user may open one.
    "practice-section": Route(
        lambda w: f"{reverse('practice-section')}?ref=kb:policy.md%23Fees",
        SIGNED_IN,
        {"GET": 200, "HEAD": 200},
    ),
    "sidebar-source": Route(
        lambda w: f"{reverse('sidebar-source', args=[CLIENT])}?ref=DocumentReference/{w.note_id}",
        CASELOAD,
        {"GET": 200, "HEAD": 200},
    ),
    "draft-status": Route(
        lambda w: reverse("draft-status", args=[w.approved.id]), AUTHOR, {"GET": 200, "HEAD": 200}
    ),
    # Approved for co-signature but not yet co-signed (no Approval): codes come after.
    "draft-codes": Route(
        lambda w: reverse("draft-codes", args=[w.approved.id]), AUTHOR, {"GET": 409, "HEAD": 409}
    ),
    # The pending draft has undecided sections: its author is told why it cannot be approved.
    "draft-approve": Route(
        lambda w: reverse("draft-approve", args=[w.pending.id]), AUTHOR, {"POST": 409}
    ),
    # Any signed-in user has a queue (empty unless they supervise someone).
    "cosign-queue": Route(lambda w: reverse("cosign-queue"), SIGNED_IN, {"GET": 200, "HEAD": 200}),
    # The returned draft: its supervisor sees it, cannot co-sign it (409) and cannot
    # return it again (400); nothing is written to the EHR.
    "cosign-review": Route(
        lambda w: reverse("cosign-review", args=[w.returned.id]),
        SUPERVISOR,
        {"GET": 200, "HEAD": 200},
    ),
    "cosign-sign": Route(
        lambda w: reverse("cosign-sign", args=[w.returned.id]), SUPERVISOR, {"POST": 409}
    ),
    "cosign-return": Route(
        lambda w: reverse("cosign-return", args=[w.returned.id]), SUPERVISOR, {"POST": 400}
    ),
    # Group sessions (copilot.groups): the client's groups; drafting with no member
    # ticked gives the form back with its message (400); the session page is its author's.
    "group-panel": Route(
        lambda w: reverse("group-panel", args=[CLIENT]), CASELOAD, {"GET": 200, "HEAD": 200}
    ),
    "group-draft": Route(
        lambda w: reverse("group-draft", args=[CLIENT, w.care_group]), CASELOAD, {"POST": 400}
    ),
    "group-session": Route(
        lambda w: reverse("group-session", args=[w.group_session.id]),
        AUTHOR,
        {"GET": 200, "HEAD": 200},
    ),
    # Treatment plan (copilot.plans): bh-003's plan and the clinician's review of it. A
    # decision without a decision is refused with its message (400); Approve of the
    # undecided review is refused with its blockers (409), nothing is written.
    "plan-panel": Route(
        lambda w: reverse("plan-panel", args=[CLIENT]), CASELOAD, {"GET": 200, "HEAD": 200}
    ),
    # bh-003 has an active plan: drafted, then back to the panel (post/redirect/get).
    "plan-draft": Route(lambda w: reverse("plan-draft", args=[CLIENT]), CASELOAD, {"POST": 302}),
    "plan-goal": Route(
        lambda w: reverse("plan-goal", args=[CLIENT, w.plan_review.id, "goal-bh-003-1"]),
        AUTHOR,
        {"POST": 400},
    ),
    "plan-approve": Route(
        lambda w: reverse("plan-approve", args=[CLIENT, w.plan_review.id]), AUTHOR, {"POST": 409}
    ),
    # Plan reviews in the co-signature queue (copilot.plans.cosign): the returned request,
    # as for notes: its supervisor sees it, cannot co-sign it (409) nor return it again
    # (400); nothing is written to the EHR.
    "plan-cosign-review": Route(
        lambda w: reverse("plan-cosign-review", args=[w.plan_returned.id]),
        SUPERVISOR,
        {"GET": 200, "HEAD": 200},
    ),
    "plan-cosign-sign": Route(
        lambda w: reverse("plan-cosign-sign", args=[w.plan_returned.id]),
        SUPERVISOR,
        {"POST": 409},
    ),
    "plan-cosign-return": Route(
        lambda w: reverse("plan-cosign-return", args=[w.plan_returned.id]),
        SUPERVISOR,
        {"POST": 400},
    ),
    # Claims (copilot.claims): the note awaiting co-signature has no approval yet, so
    # its author is told no claim can be drafted (409); the drafted claim is its
    # author's, and a scrubbing error refuses its approval (409); nothing is written.
    "draft-claim": Route(
        lambda w: reverse("draft-claim", args=[w.approved.id]), AUTHOR, {"POST": 409}
    ),
    "claim-status": Route(
        lambda w: reverse("claim-status", args=[w.claim.id]), AUTHOR, {"GET": 200, "HEAD": 200}
    ),
    # Prior authorization: the form, and a request drafted from bh-003's course of care
    # with the form's defaults (nothing is written before approval); the letter is the
    # drafted claim's author's.
    "priorauth": Route(
        lambda w: reverse("priorauth", args=[CLIENT]),
        CASELOAD,
        {"GET": 200, "HEAD": 200, "POST": 200},
    ),
    "claim-letter": Route(
        lambda w: reverse("claim-letter", args=[w.claim.id]), AUTHOR, {"GET": 200, "HEAD": 200}
    ),
    "claim-approve": Route(
        lambda w: reverse("claim-approve", args=[w.claim.id]), AUTHOR, {"POST": 409}
    ),
    # The inbox (copilot.inbox): every signed-in user has one (empty, or a message for an
    # account with no clinician); a client's tab is for their caseload; a message is its
    # recipient's: bh-003's clinical message to Patel cannot be acknowledged (not urgent:
    # 400) and gets a drafted reply; the drafted message is its author's, undecided, so
    # a decision without one (400) and Approve (400) are refused with their messages.
    "inbox": Route(lambda w: reverse("inbox"), SIGNED_IN, {"GET": 200, "HEAD": 200}),
    "inbox-panel": Route(
        lambda w: reverse("inbox-panel", args=[CLIENT]), CASELOAD, {"GET": 200, "HEAD": 200}
    ),
    "message-acknowledge": Route(
        lambda w: reverse("message-acknowledge", args=[w.message]), AUTHOR, {"POST": 400}
    ),
    "message-reply": Route(
        lambda w: reverse("message-reply", args=[w.message]), AUTHOR, {"POST": 200}
    ),
    "outgoing-status": Route(
        lambda w: reverse("outgoing-status", args=[w.outgoing.id]),
        AUTHOR,
        {"GET": 200, "HEAD": 200},
    ),
    "outgoing-decide": Route(
        lambda w: reverse("outgoing-decide", args=[w.outgoing.id]), AUTHOR, {"POST": 400}
    ),
    "outgoing-approve": Route(
        lambda w: reverse("outgoing-approve", args=[w.outgoing.id]), AUTHOR, {"POST": 400}
    ),
    # The EHR's signed webhook: machine to machine, the same for every user (no signature: 401).
    "ehr-webhook": Route(
        lambda w: reverse("ehr-webhook"), PUBLIC, {"POST": 401, "OPTIONS": 200}, machine=True
    ),
    # Load balancer probe: no session, names no client, the same answer for everyone.
    "healthz": Route(lambda w: reverse("healthz"), PUBLIC, {"GET": 200, "HEAD": 200}, machine=True),
}
# Every route of the Django admin site ("admin:" namespace) is for staff only; which
# models it shows is held by test_the_admin_site_shows_no_clinical_model.
# The ledger's and django-auditlog's admins are read-only and show no PHI (ledger content
# is encrypted and never displayed; auditlog leaves PHI fields out of its changes).
ADMIN_MODELS = {
    "auth.user",
    "auth.group",
    "copilot.caseloadassignment",
    "copilot.clinician",
    "copilot.ledgerentry",
    "auditlog.logentry",
}

# Websocket actions: "client" acts on the socket's client, "draft" on a draft named in
# the message, "socket" only on work this socket itself started.
ACTIONS = {
    "compose": "client",
    "draft": "client",
    "ask": "client",
    "chat-prepare": "client",
    "cancel": "socket",
    "accept": "draft",
    "reject": "draft",
    "edit": "draft",
    "acknowledge": "draft",
    "approve": "draft",
    # Summaries tab (copilot.summaries): drafts a summary for the socket's client.
    "summarize": "client",
}


def url_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(namespace, name, pattern text) of every URL pattern Django routes."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace or pattern.namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name, prefix + str(pattern.pattern)


# --- the people and objects ---------------------------------------------------------


@pytest.fixture
def world(ehr, oidc, sandbox_control, settings, chroma):
    settings.EHR_DEMO_PAGE = True
    rivera = ClinicianFactory(
        user__username="rivera", practitioner_id="pr-rivera", role=Clinician.Role.SUPERVISOR
    )
    patel = ClinicianFactory(
        user__username="patel", practitioner_id="pr-patel", supervisor=rivera, requires_cosign=True
    )
    okafor = ClinicianFactory(user__username="okafor", practitioner_id="pr-okafor")
    admin_user = get_user_model().objects.create_superuser("admin", password="pw")
    ClinicianFactory(user=admin_user, practitioner_id="", role=Clinician.Role.ADMIN)
    approved = soap_draft(author=patel.user, client_id=CLIENT)
    for section in approved.sections.all():
        services.section_decide(
            actor=patel.user, draft=approved, key=section.key, decision="accepted"
        )
    services.draft_approve(actor=patel.user, draft=approved, idempotency_key="matrix")
    returned = soap_draft(author=patel.user, client_id=CLIENT)
    for section in returned.sections.all():
        services.section_decide(
            actor=patel.user, draft=returned, key=section.key, decision="accepted"
        )
    services.draft_approve(actor=patel.user, draft=returned, idempotency_key="returned")
    cosign.draft_return(actor=rivera.user, draft=returned, comment="Add the plan.")
    notes = sandbox_control._fhir("GET", f"DocumentReference?subject=Patient/{CLIENT}&_count=1")
    PracticeDocumentRecord.objects.create(
        file_name="policy.md",
        title="Policy",
        sha256="0" * 64,
        sections=[{"heading": "Fees", "path": ["Policy", "Fees"], "text": "A fee of $75."}],
        chunk_count=1,
    )
    care_group = sandbox_control.create(
        {
            "resourceType": "Group",
            "type": "person",
            "actual": True,
            "name": "Matrix group",
            "member": [{"entity": {"reference": f"Patient/{CLIENT}"}}],
        }
    )
    group_session = GroupSession.objects.create(
        author=patel.user, group_id=care_group["id"], group_name="Matrix group"
    )
    yield SimpleNamespace(
        users={
            "anonymous": None,
            "clinician": patel.user,
            "supervisor": rivera.user,
            "other_caseload": okafor.user,
            "admin": admin_user,
        },
        okafor=okafor,
        approved=approved,
        returned=returned,
        pending=soap_draft(author=patel.user, client_id=CLIENT),
        note_id=notes["entry"][0]["resource"]["id"],
        group=Group.objects.create(name="front desk"),
        assignment=CaseloadAssignment.objects.create(clinician=okafor, client_id="somebody"),
        care_group=care_group["id"],
        group_session=group_session,
        plan_review=plan_review_of(patel.user, CLIENT),
        plan_returned=plan_returned(patel.user, rivera.user),
        message=MessageTriage.objects.create(
            communication_id="msg-bh-003-1",
            client_id=CLIENT,
            practitioner_id="pr-patel",
            sent_at=timezone.now(),
            text_hash="0" * 64,
            category="clinical",
        ).communication_id,
        claim=ClaimRecord.objects.create(
            use="claim",
            client_id=CLIENT,
            author=patel.user,
            resource={"resourceType": "Claim"},
            findings=[{"rule": "supervising_provider", "severity": "error", "message": "x"}],
        ),
        outgoing=OutgoingMessage.objects.create(
            kind="reminder",
            client_id=CLIENT,
            author=patel.user,
            template_key="reminder",
            ai_text="Hi Alex, this is a reminder.",
        ),
    )
    sandbox_control.delete(f"Group/{care_group['id']}")  # bh-003 is in no group elsewhere


def plan_review_of(author, client_id: str):
    """A complete review of the client's plan by `author`, undecided (no EHR read)."""
    review = PlanReview.objects.create(
        client_id=client_id,
        author=author,
        careplan_id=f"plan-{client_id}",
        engine_name="grounded",
        engine_version="1.0",
        status=PlanReview.Status.COMPLETE,
    )
    PlanGoalSection.objects.create(
        review=review,
        goal_id=f"goal-{client_id}-1",
        position=0,
        description="Goal text",
        lifecycle_status="active",
        ai_status="in-progress",
        final_status="in-progress",
    )
    return review


def plan_returned(author, supervisor) -> PlanCosignRequest:
    """A review of CLIENT by `author` sent for co-signature and returned by `supervisor`."""
    review = plan_review_of(author, CLIENT)
    plans.plan_goal_decide(
        actor=author, review=review, goal_id=f"goal-{CLIENT}-1", decision="accepted"
    )
    request = plans.plan_review_approve(actor=author, review=review, idempotency_key="plan")
    return plan_cosign.plan_review_return(actor=supervisor, request=request, comment="Redo.")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- HTTP ----------------------------------------------------------------------------


def test_every_route_is_classified():
    routed = {name or text for namespace, name, text in url_patterns() if namespace != "admin"}
    assert routed - ROUTES.keys() == set(), "classify these routes in ROUTES"
    assert ROUTES.keys() - routed == set(), "these classified routes no longer exist"


def test_the_admin_site_shows_no_clinical_model():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == ADMIN_MODELS


def expected(route: Route, role: str, method: str) -> int:
    """The status `role` must get for `method` on `route`."""
    if route.machine:
        return route.ok.get(method, 405)
    if role not in route.allowed and role == "anonymous":
        return 302  # to sign in, whatever the method
    if method not in route.ok:
        return 405
    return route.ok[method] if role in route.allowed else route.denied


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_role_gets_exactly_its_access_to_each_route(name, world, caplog):
    route, mismatches = ROUTES[name], []
    url = route.url(world)
    for role in ROLES:
        for method in METHODS:
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="copilot.access"):
                response = client_for(world.users[role]).generic(method, url)
            want = expected(route, role, method)
            if response.status_code != want:
                mismatches.append(f"{role} {method}: {response.status_code}, expected {want}")
            sent_to_sign_in = want == 302 and role not in route.allowed
            if sent_to_sign_in and not response.url.startswith(reverse("login")):
                mismatches.append(f"{role} {method}: redirected to {response.url}")
            if response.status_code in (404, 405, 302):
                body = response.content.decode()
                mismatches += [f"{role} {method}: {p!r} in the body" for p in PHI if p in body]
            if want == 404 and role in SIGNED_IN:
                logged = [r.getMessage() for r in caplog.records if r.name == "copilot.access"]
                if not any("access denied" in m for m in logged):
                    mismatches.append(f"{role} {method}: denial not logged")
                mismatches += [
                    f"{role} {method}: log names {CLIENT}" for m in logged if CLIENT in m
                ]
    assert mismatches == [], "\n".join(mismatches)


def test_only_the_caseload_is_listed_in_the_picker(world):
    for role, sees in {"clinician": True, "supervisor": True, "other_caseload": False}.items():
        body = client_for(world.users[role]).get(reverse("client-picker")).content.decode()
        assert ("Alex Morgan" in body) is sees, role
    admin_page = client_for(world.users["admin"]).get(reverse("client-picker")).content.decode()
    assert "0 clients on your caseload" in admin_page
    assert 'href="/sidebar/' not in admin_page


def admin_url(text: str, world) -> str:
    """A concrete URL for an admin pattern, naming real objects."""
    model = re.match(r"admin/(\w+)/(\w+)/", text)
    samples = {
        "auth.user": world.users["clinician"].pk,
        "auth.group": world.group.pk,
        "copilot.caseloadassignment": world.assignment.pk,
    }
    object_id = samples.get(f"{model[1]}.{model[2]}", 1) if model else 1
    url = text.replace("^", "").replace("$", "")
    url = re.sub(r"\(\?P<app_label>[^)]*\)", "copilot", url)
    url = re.sub(r"\(\?P<url>[^)]*\)", "no-such-page/", url)
    url = url.replace("<path:content_type_id>", str(ContentType.objects.get_for_model(Group).pk))
    return "/" + re.sub(r"<(?:path:)?(?:object_id|id)>", str(object_id), url)


def test_the_admin_site_is_for_admins_only(world):
    """Every admin route but sign-in and sign-out sends everyone but an admin to the
    admin sign-in; an admin is let through (a malformed sample may still be 403/404)."""
    mismatches = []
    for namespace, name, text in url_patterns():
        if namespace != "admin" or name in ("login", "logout"):
            continue
        url = admin_url(text, world)
        for role in ROLES:
            for method in METHODS:
                response = client_for(world.users[role]).generic(method, url)
                to_sign_in = response.status_code == 302 and "/admin/login/" in response.url
                if to_sign_in is (role == "admin") or response.status_code >= 500:
                    mismatches.append(f"{url} {role} {method}: {response.status_code}")
    assert mismatches == [], "\n".join(mismatches)


# --- websocket ------------------------------------------------------------------------


def test_every_websocket_action_is_classified():
    assert set(SidebarConsumer.actions) == set(ACTIONS)


def message(action: str, world) -> dict:
    """A message of this action that its permitted sender gets an answer to quickly."""
    return {
        "action": action,
        "draft": str(world.pending.id),
        "section": "subjective",
        "text": "" if action == "draft" else "Edited.",
        "template": "soap",
        "question": "",
        "flag": "0",
        "idempotency_key": "k",
    }


async def exchange(communicator, content: dict) -> list[str] | None:
    """Send `content`, then an unknown action as a marker; every reply up to the marker,
    or None when the socket was closed instead."""
    await communicator.send_json_to(content)
    await communicator.send_json_to({"action": "marker"})
    replies = []
    while True:
        output = await communicator.receive_output(timeout=30)
        if output["type"] == "websocket.close":
            return None
        if re.search(r"Unknown action \S+marker", output.get("text", "")):
            return replies
        replies.append(output["text"])


@pytest.mark.parametrize("role", ROLES)
async def test_only_the_caseload_opens_a_socket_for_the_client(role, world):
    communicator = await sidebar_socket(world.users[role], CLIENT)
    connected, _ = await communicator.connect()
    assert connected is (role in CASELOAD)
    await communicator.disconnect()


@pytest.mark.parametrize("role", sorted(CASELOAD))
async def test_each_action_is_answered_only_for_what_the_role_may_touch(role, world):
    communicator = await sidebar_socket(world.users[role], CLIENT)
    assert (await communicator.connect())[0]
    mismatches = []
    for action, kind in ACTIONS.items():
        replies = await exchange(communicator, message(action, world))
        if replies is None:
            mismatches.append(f"{action}: socket closed")
            continue
        refused = any("That draft is not available." in r for r in replies)
        if refused is not (kind == "draft" and role not in AUTHOR):
            mismatches.append(f"{action}: refused={refused}")
        if refused:
            mismatches += [f"{action}: {p!r} sent" for r in replies for p in PHI if p in r]
    await communicator.disconnect()
    assert mismatches == [], "\n".join(mismatches)


@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_every_action_closes_a_socket_whose_client_left_the_caseload(action, world, caplog):
    """A clinician of another caseload whose socket was opened while the client was
    assigned to them: once the assignment is gone, any message closes the socket."""
    assignment = await CaseloadAssignment.objects.acreate(clinician=world.okafor, client_id=CLIENT)
    communicator = await sidebar_socket(world.users["other_caseload"], CLIENT)
    assert (await communicator.connect())[0]
    await assignment.adelete()
    with caplog.at_level(logging.WARNING, logger="copilot.access"):
        await communicator.send_json_to(message(action, world))
        output = await communicator.receive_output(timeout=30)
    assert output == {"type": "websocket.close", "code": 4404}
    logged = [r.getMessage() for r in caplog.records if r.name == "copilot.access"]
    assert any(f"where=ws {action}" in m for m in logged)
    assert not any(CLIENT in m for m in logged)
