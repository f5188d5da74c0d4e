"""Which EHR, with which token, the current request or websocket talks to.

By default the gateway uses the settings (`FHIR_BASE_URL`, `FHIR_BEARER_TOKEN`). A
session opened by a SMART on FHIR EHR launch carries its own FHIR base (the launch's
`iss`) and access token; the accounts middleware puts them here for the length of
each request or websocket connection, and `get_gateway()` reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class EhrAccess:
    """A FHIR R4 base URL and the bearer token to send there."""

    base_url: str
    bearer_token: str


_current: ContextVar[EhrAccess | None] = ContextVar("ehr_access", default=None)


def current_ehr_access() -> EhrAccess | None:
    """The EHR access of the running request or connection, None for the settings'."""
    return _current.get()


@contextmanager
def ehr_access(access: EhrAccess | None) -> Iterator[None]:
    """Use `access` for EHR calls made inside the block (None: the settings')."""
    token = _current.set(access)
    try:
        yield
    finally:
        _current.reset(token)
