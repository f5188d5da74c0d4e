"""Models of the one `copilot` app, defined in their domain packages."""

from copilot.access.models import CaseloadAssignment
from copilot.accounts.models import Clinician
from copilot.audit.models import LedgerEntry
from copilot.claims.models import ClaimRecord
from copilot.groups.models import GroupNote, GroupSession
from copilot.inbox.models import MessageTriage, OutgoingMessage
from copilot.kb.models import PracticeDocumentRecord
from copilot.plans.models import PlanApproval, PlanGoalSection, PlanReview
from copilot.qa.models import ChatTurn
from copilot.retrieval.models import ClientIndexState, IndexedSource, Part2Consent
from copilot.review.models import (
    Approval,
    ComposerText,
    CosignRequest,
    Draft,
    DraftSection,
    RiskFlag,
    WriteBack,
)

__all__ = [
    "ClaimRecord",
    "MessageTriage",
    "OutgoingMessage",
    "PracticeDocumentRecord",
    "Approval",
    "CaseloadAssignment",
    "ChatTurn",
    "ClientIndexState",
    "Clinician",
    "ComposerText",
    "CosignRequest",
    "Draft",
    "DraftSection",
    "GroupNote",
    "GroupSession",
    "IndexedSource",
    "LedgerEntry",
    "Part2Consent",
    "PlanApproval",
    "PlanGoalSection",
    "PlanReview",
    "RiskFlag",
    "WriteBack",
]
