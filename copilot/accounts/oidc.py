"""OpenID Connect sign-in on mozilla-django-oidc, against any standards provider.

Endpoints come from the settings `OIDC_OP_*` when set, otherwise from the provider's
discovery document (`{OIDC_OP_ISSUER}/.well-known/openid-configuration`, OpenID
Connect Discovery 1.0), fetched on first use and kept per issuer.

Verification of the id token (OpenID Connect Core 1.0 §3.1.3.7) is PyJWT's, as in
mozilla-django-oidc, with what the library leaves out switched on: `aud` must be our
client id, `iss` the configured issuer, `exp`/`iat` present and not passed (with
`OIDC_LEEWAY_SECONDS`), the nonce the one sent (mozilla-django-oidc), and the
userinfo `sub` the id token's. Any failure, and any error from the provider, ends
the sign-in on the failure page with a log line; it never signs anybody in.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .claims import role_from_claims
from .services import clinician_sync_from_claims

logger = logging.getLogger(__name__)

# Setting name -> key of the discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


class OIDCConfigurationError(RuntimeError):
    """The provider's discovery document could not be read or lacks an endpoint."""


@functools.cache
def provider_metadata(issuer: str) -> dict:
    """The discovery document of `issuer` (cached for the life of the process).

    Raises OIDCConfigurationError when it cannot be fetched or names another issuer.
    """
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OIDCConfigurationError(f"OpenID provider discovery failed: {url}") from error
    if metadata.get("issuer") != issuer:
        raise OIDCConfigurationError(f"Discovery at {url} names issuer {metadata.get('issuer')}")
    return metadata


def oidc_setting(name: str, *default):
    """A mozilla-django-oidc setting; an empty `OIDC_OP_*` endpoint comes from discovery."""
    value = getattr(settings, name, *default) if default else getattr(settings, name)
    if value or name not in DISCOVERED:
        return value
    endpoint = provider_metadata(settings.OIDC_OP_ISSUER).get(DISCOVERED[name])
    if not endpoint and not default:
        raise OIDCConfigurationError(f"The provider's discovery document has no {name}.")
    return endpoint or default[0]


def _endpoint(name: str) -> property:
    return property(lambda self: oidc_setting(name))


class ClinicianOIDCBackend(OIDCAuthenticationBackend):
    """Signs clinicians in with the authorization code flow (PKCE, nonce) and keeps
    their Clinician record (role, Practitioner, supervisor) in step with the claims.

    The Django username is the `sub` claim. Users whose claims carry none of the
    roles clinician, supervisor, admin are refused.
    """

    OIDC_OP_TOKEN_ENDPOINT = _endpoint("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _endpoint("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _endpoint("OIDC_OP_JWKS_ENDPOINT")

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in attempt (the admin's password
        # form too); endpoints resolve on first use so that needs no network.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, **kwargs):
        """The signed-in user, or None on any verification or provider failure."""
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException, ValueError) as e:
            logger.warning("OIDC sign-in refused: %s", e)
            return None

    def _verify_jws(self, payload, key):
        """Signature, alg, aud, iss, exp and iat of the id token (PyJWT)."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=settings.OIDC_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"id token rejected: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """Userinfo claims, refused unless their `sub` is the id token's (OIDC Core §5.3.2)."""
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo sub differs from the id token's")
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub")) and self._role(claims) is not None

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=claims["sub"])

    def get_username(self, claims):
        return claims["sub"]

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(claims["sub"], email=claims.get("email", ""))
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        clinician_sync_from_claims(user=user, claims=claims, role=self._role(claims))
        return user

    def _role(self, claims):
        return role_from_claims(claims, settings.OIDC_ROLES_CLAIM)


class OIDCAuthenticateView(OIDCAuthenticationRequestView):
    """mozilla-django-oidc's redirect to the provider, with endpoints from discovery."""

    get_settings = staticmethod(oidc_setting)


def provider_logout_url(request) -> str:
    """Where to send the browser after signing out here: the provider's end-session
    endpoint (OpenID Connect RP-Initiated Logout 1.0), so the provider's session ends
    too, or LOGOUT_REDIRECT_URL when it has none."""
    endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    if not endpoint:
        return settings.LOGOUT_REDIRECT_URL
    return f"{endpoint}?{urlencode({'client_id': settings.OIDC_RP_CLIENT_ID})}"


class StaffPasswordBackend(ModelBackend):
    """Django's password sign-in, for the admin site's staff only: clinicians sign in
    through the OpenID provider."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_staff
