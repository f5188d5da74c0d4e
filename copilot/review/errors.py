"""The error type of review actions (services.py, cosign.py)."""

from __future__ import annotations


class ReviewError(Exception):
    """A review action that is not allowed now; `message` says why, for the clinician."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
