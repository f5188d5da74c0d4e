"""SMART on FHIR EHR launch (SMART App Launch 2.0, HL7), as a confidential client.

1. The EHR opens `/smart/launch?iss=<FHIR base>&launch=<opaque id>`. `iss` must be
   one of `SMART_ALLOWED_ISSUERS`; its `/.well-known/smart-configuration` names the
   authorization and token endpoints.
2. `launch_begin` sends the browser to the authorization endpoint with `launch`,
   `aud=iss`, PKCE S256 (RFC 7636) and a `state` of 256 random bits, remembered in
   the user's session with the code verifier.
3. `launch_complete` takes the `state` back out of the session (once: a second use
   or a state from another session is refused), exchanges the code at the token
   endpoint (a replayed code is refused there), and returns the `patient` (and
   `encounter`) of the launch context with the access token, kept in the session.
   `ehr_access_for` turns that into the EHR access the gateway uses.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

import httpx
from django.conf import settings
from mozilla_django_oidc.utils import generate_code_challenge

from copilot.ehr.access import EhrAccess

SESSION_PENDING = "smart_pending"  # state -> what the callback needs
SESSION_LAUNCH = "smart_launch"  # the completed launch (SmartLaunch as a dict)
PENDING_MAX = 5
PENDING_SECONDS = 600
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


class SmartLaunchError(Exception):
    """The launch cannot go on; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SmartLaunch:
    """A completed EHR launch: the EHR's FHIR base, the access token for it and its
    expiry (epoch seconds), and the launch context."""

    iss: str
    access_token: str
    expires_at: float
    patient: str
    encounter: str | None
    scope: str


def allowed_issuer(iss: str) -> str:
    """`iss` without a trailing slash if SMART_ALLOWED_ISSUERS lists it, else SmartLaunchError."""
    normalized = iss.rstrip("/")
    if normalized not in {i.rstrip("/") for i in settings.SMART_ALLOWED_ISSUERS}:
        raise SmartLaunchError("This EHR is not allowed to launch the copilot.", status=403)
    return normalized


def smart_configuration(iss: str) -> dict:
    """`{iss}/.well-known/smart-configuration`, with its two endpoints checked present."""
    try:
        response = httpx.get(
            f"{iss}/.well-known/smart-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        config = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise SmartLaunchError("The EHR's SMART configuration is unavailable.", 502) from error
    if not {"authorization_endpoint", "token_endpoint"} <= config.keys():
        raise SmartLaunchError("The EHR's SMART configuration lacks its endpoints.", 502)
    return config


def launch_begin(*, session, iss: str, launch: str, redirect_uri: str) -> str:
    """The authorization URL to send the browser to; remembers state and PKCE verifier
    in `session`. Raises SmartLaunchError (foreign iss: 403; EHR unreachable: 502)."""
    if not launch:
        raise SmartLaunchError("The EHR sent no launch id.")
    iss = allowed_issuer(iss)
    config = smart_configuration(iss)
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    _remember(
        session,
        state,
        {
            "iss": iss,
            "token_endpoint": config["token_endpoint"],
            "verifier": verifier,
            "redirect_uri": redirect_uri,
            "created": time.time(),
        },
    )
    query = {
        "response_type": "code",
        "client_id": settings.SMART_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": settings.SMART_SCOPES,
        "state": state,
        "aud": iss,
        "launch": launch,
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    return f"{config['authorization_endpoint']}?{urlencode(query)}"


def launch_complete(*, session, state: str, code: str) -> SmartLaunch:
    """Exchange `code` for the access token and launch context; keeps it in `session`.

    Raises SmartLaunchError: unknown or used state, refused code (replayed, expired,
    for another client), or a token response without a patient.
    """
    pending = _take(session, state)
    if pending is None or time.time() - pending["created"] > PENDING_SECONDS:
        raise SmartLaunchError("This launch is unknown or expired; launch again from the EHR.")
    token = _exchange(pending, code)
    patient, encounter = token.get("patient"), token.get("encounter")
    if not (isinstance(patient, str) and FHIR_ID.fullmatch(patient)) or not token.get(
        "access_token"
    ):
        raise SmartLaunchError("The EHR's token response has no patient context.", 502)
    launched = SmartLaunch(
        iss=pending["iss"],
        access_token=token["access_token"],
        expires_at=time.time() + float(token.get("expires_in") or 300),
        patient=patient,
        encounter=encounter if isinstance(encounter, str) else None,
        scope=token.get("scope", ""),
    )
    session[SESSION_LAUNCH] = asdict(launched)
    return launched


def ehr_access_for(launched: dict | None) -> EhrAccess | None:
    """The EHR access of a session's launch (`session[SESSION_LAUNCH]`) while its token
    has not expired; None otherwise (the settings' EHR and token apply)."""
    if not launched or launched.get("expires_at", 0) <= time.time():
        return None
    return EhrAccess(base_url=launched["iss"], bearer_token=launched["access_token"])


def _exchange(pending: dict, code: str) -> dict:
    try:
        response = httpx.post(
            pending["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": pending["redirect_uri"],
                "code_verifier": pending["verifier"],
            },
            auth=(settings.SMART_CLIENT_ID, settings.SMART_CLIENT_SECRET),
            timeout=settings.OIDC_TIMEOUT,
        )
    except httpx.HTTPError as error:
        raise SmartLaunchError("The EHR's token endpoint is unavailable.", 502) from error
    if response.status_code != 200:
        raise SmartLaunchError("The EHR refused the authorization code.")
    return response.json()


def _remember(session, state: str, pending: dict) -> None:
    states = dict(session.get(SESSION_PENDING) or {})
    states[state] = pending
    newest = sorted(states.items(), key=lambda item: item[1]["created"])[-PENDING_MAX:]
    session[SESSION_PENDING] = dict(newest)


def _take(session, state: str) -> dict | None:
    states = dict(session.get(SESSION_PENDING) or {})
    pending = states.pop(state, None)
    session[SESSION_PENDING] = states
    return pending
