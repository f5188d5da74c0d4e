from django.urls import path, register_converter

from copilot.claims import views as claims
from copilot.groups import views as groups
from copilot.inbox import views as inbox
from copilot.plans import views as plans

from . import queue, views
from .converters import FhirIdConverter

register_converter(FhirIdConverter, "fhirid")

urlpatterns = [
    path("", views.client_picker, name="client-picker"),
    path("healthz", views.healthz, name="healthz"),
    path("ehr-demo/<fhirid:client_id>/", views.ehr_demo, name="ehr-demo"),
    path("sidebar/<fhirid:client_id>/", views.sidebar, name="sidebar"),
    path("sidebar/<fhirid:client_id>/chart/", views.sidebar_chart, name="sidebar-chart"),
    path("sidebar/<fhirid:client_id>/source/", views.sidebar_source, name="sidebar-source"),
    path("sidebar/<fhirid:client_id>/measures/", views.sidebar_measures, name="sidebar-measures"),
    path("practice/section/", views.practice_section, name="practice-section"),
    path("drafts/<uuid:draft_id>/status/", views.draft_status, name="draft-status"),
    path("drafts/<uuid:draft_id>/approve/", views.draft_approve, name="draft-approve"),
    path("drafts/<uuid:draft_id>/codes/", views.draft_codes, name="draft-codes"),
    path("drafts/<uuid:draft_id>/claim/", claims.draft_claim, name="draft-claim"),
    path("claims/<uuid:claim_id>/", claims.claim_status, name="claim-status"),
    path("claims/<uuid:claim_id>/approve/", claims.claim_approve, name="claim-approve"),
    path("claims/<uuid:claim_id>/letter/", claims.claim_letter, name="claim-letter"),
    path("sidebar/<fhirid:client_id>/priorauth/", claims.priorauth, name="priorauth"),
    path("review/queue/", queue.cosign_queue, name="cosign-queue"),
    path("review/<uuid:draft_id>/", queue.cosign_review, name="cosign-review"),
    path("review/<uuid:draft_id>/cosign/", queue.cosign_sign, name="cosign-sign"),
    path("review/<uuid:draft_id>/return/", queue.cosign_return, name="cosign-return"),
    path("review/plan/<uuid:request_id>/", queue.plan_cosign_review, name="plan-cosign-review"),
    path("review/plan/<uuid:request_id>/cosign/", queue.plan_cosign_sign, name="plan-cosign-sign"),
    path(
        "review/plan/<uuid:request_id>/return/",
        queue.plan_cosign_return,
        name="plan-cosign-return",
    ),
    path("sidebar/<fhirid:client_id>/groups/", groups.group_panel, name="group-panel"),
    path(
        "sidebar/<fhirid:client_id>/groups/<fhirid:group_id>/draft/",
        groups.group_draft,
        name="group-draft",
    ),
    path("groups/sessions/<uuid:session_id>/", groups.group_session, name="group-session"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("sidebar/<fhirid:client_id>/inbox/", inbox.inbox_panel, name="inbox-panel"),
    path(
        "inbox/messages/<fhirid:communication_id>/acknowledge/",
        inbox.message_acknowledge,
        name="message-acknowledge",
    ),
    path(
        "inbox/messages/<fhirid:communication_id>/reply/",
        inbox.message_reply,
        name="message-reply",
    ),
    path("inbox/outgoing/<uuid:message_id>/", inbox.outgoing_status, name="outgoing-status"),
    path("inbox/outgoing/<uuid:message_id>/decide/", inbox.outgoing_decide, name="outgoing-decide"),
    path(
        "inbox/outgoing/<uuid:message_id>/approve/",
        inbox.outgoing_approve,
        name="outgoing-approve",
    ),
    path("sidebar/<fhirid:client_id>/plan/", plans.plan_panel, name="plan-panel"),
    path("sidebar/<fhirid:client_id>/plan/draft/", plans.plan_draft, name="plan-draft"),
    path(
        "sidebar/<fhirid:client_id>/plan/<uuid:review_id>/goals/<fhirid:goal_id>/",
        plans.plan_goal,
        name="plan-goal",
    ),
    path(
        "sidebar/<fhirid:client_id>/plan/<uuid:review_id>/approve/",
        plans.plan_approve,
        name="plan-approve",
    ),
]
