"""The EHR interface every backend implements, and its one error type."""

from __future__ import annotations

from abc import ABC, abstractmethod

from copilot.chart import ChartContext, ClientSummary


class EhrError(Exception):
    """Anything that went wrong talking to the EHR.

    `message` is safe to show a clinician (no PHI, no stack trace); `retryable`
    says whether trying again later can help.
    """

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class EhrUnavailable(EhrError):
    """The EHR could not be reached, timed out, or answered with a server error."""

    def __init__(self, message: str = "The EHR is unavailable right now.") -> None:
        super().__init__(message, retryable=True)


class ClientNotFound(EhrError):
    """The EHR has no client (Patient) with this id."""

    def __init__(self, client_id: str) -> None:
        super().__init__(f"The EHR has no client with id {client_id!r}.", retryable=False)
        self.client_id = client_id


class ChartGateway(ABC):
    """Reads charts from one EHR. Implementations raise only `EhrError` subclasses."""

    @abstractmethod
    async def chart(self, client_id: str) -> ChartContext:
        """The chart of one client.

        Raises ClientNotFound for an unknown id and EhrUnavailable when the EHR is
        down; malformed resources are skipped (counted in `ChartContext.skipped`).
        """

    @abstractmethod
    async def clients(self) -> list[ClientSummary]:
        """Every client the EHR lists, sorted by name."""
