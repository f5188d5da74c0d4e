"""Models of the one `copilot` app, defined in their domain packages."""

from copilot.accounts.models import Clinician
from copilot.qa.models import ChatTurn
from copilot.review.models import (
    Approval,
    ComposerText,
    Draft,
    DraftSection,
    RiskFlag,
    WriteBack,
)

__all__ = [
    "Approval",
    "ChatTurn",
    "Clinician",
    "ComposerText",
    "Draft",
    "DraftSection",
    "RiskFlag",
    "WriteBack",
]
