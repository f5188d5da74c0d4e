"""django-auditlog on the models whose changes a practice must be able to trace:
drafts, sections, flags, approvals, co-signature requests and write-backs (status,
decisions), treatment-plan reviews with their goal sections and approvals, and
clinicians (roles, co-signature rule, supervisor).

Text that holds PHI is excluded here (auditlog stores changes in clear); the ledger
keeps it, encrypted. auditlog's middleware names the actor for HTTP requests; the
websocket consumer and background work set it with `auditlog.context.set_actor`.
"""

from __future__ import annotations

from auditlog.registry import auditlog

PHI_FIELDS = {
    "Draft": ["input_text"],
    "DraftSection": ["ai_text", "final_text", "sentences"],
    "RiskFlag": ["quote", "source"],
    "Approval": ["note_text"],
    "CosignRequest": ["note_text", "comment"],
    "PlanReview": ["careplan_title"],
    "PlanGoalSection": [
        "description",
        "ai_summary",
        "sentences",
        "ai_reason",
        "ai_revised",
        "final_summary",
        "final_description",
    ],
}


def register() -> None:
    """Register the audited models (called once from CopilotConfig.ready)."""
    from copilot.accounts.models import Clinician
    from copilot.plans.models import PlanApproval, PlanGoalSection, PlanReview
    from copilot.review.models import (
        Approval,
        CosignRequest,
        Draft,
        DraftSection,
        RiskFlag,
        WriteBack,
    )

    audited = (Draft, DraftSection, RiskFlag, Approval, CosignRequest, WriteBack, Clinician)
    for model in (*audited, PlanReview, PlanGoalSection, PlanApproval):
        auditlog.register(model, exclude_fields=PHI_FIELDS.get(model.__name__, []))
