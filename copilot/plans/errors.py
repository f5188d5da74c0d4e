"""The one error type of treatment-plan review actions."""

from __future__ import annotations


class PlanError(Exception):
    """A plan-review action that is not possible now; `message` says why, for the
    clinician."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
