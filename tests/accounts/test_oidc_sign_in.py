"""OpenID Connect sign-in against the sandbox's OpenID provider (oidc-provider), with
mozilla-django-oidc's code flow and our verification of what it returns."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from copilot.accounts.models import Clinician

from .conftest import local, sandbox_post

pytestmark = pytest.mark.django_db


def sign_in(copilot, provider_browser, username: str):
    """The whole flow: copilot → provider login form → copilot callback; the callback's response."""
    start = copilot.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    callback = provider_browser.authorize(start["Location"], username=username)
    return copilot.get(local(callback))


def signed_in_user(copilot):
    return copilot.session.get("_auth_user_id")


def test_a_clinician_signs_in_with_role_and_practitioner_from_claims(
    oidc, copilot, provider_browser
):
    response = sign_in(copilot, provider_browser, "chen")

    assert response.status_code == 302
    assert response.url == reverse("client-picker")
    chen = Clinician.objects.get(user__username="chen")
    assert (chen.role, chen.practitioner_id, chen.display_name) == (
        "clinician",
        "pr-chen",
        "Mei Chen",
    )
    assert not chen.requires_cosign and not chen.user.is_staff
    assert copilot.get(reverse("client-picker")).status_code == 200


def test_the_authorization_request_carries_nonce_state_and_pkce_s256(oidc, copilot):
    location = copilot.get(reverse("oidc_authentication_init"))["Location"]

    assert location.startswith(f"{oidc.issuer}/auth?")
    for part in ("nonce=", "state=", "code_challenge=", "code_challenge_method=S256"):
        assert part in location


def test_a_pre_licensed_clinician_gets_co_signature_by_their_supervisor(
    oidc, copilot, provider_browser
):
    sign_in(copilot, provider_browser, "rivera")
    copilot.logout()
    sign_in(copilot, provider_browser.__class__(), "patel")

    patel = Clinician.objects.get(user__username="patel")
    rivera = Clinician.objects.get(user__username="rivera")
    assert rivera.role == "supervisor"
    assert patel.requires_cosign and patel.supervisor == rivera


def test_the_admin_role_opens_the_admin_site(oidc, copilot, provider_browser):
    sign_in(copilot, provider_browser, "admin")

    admin = get_user_model().objects.get(username="admin")
    assert admin.clinician.role == "admin" and admin.is_staff
    assert copilot.get("/admin/").status_code == 200


def test_a_wrong_password_is_refused_at_the_provider(oidc, copilot, provider_browser):
    start = copilot.get(reverse("oidc_authentication_init"))
    page = provider_browser.http.get(start["Location"], timeout=10)
    action = f"{page.url}/login"

    refused = provider_browser.http.post(
        action, data={"username": "chen", "password": "nope"}, allow_redirects=False, timeout=10
    )

    assert refused.status_code == 401
    assert "wrong password" in refused.text


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("nonce", "Nonce verification failed"),
        ("aud", "Audience doesn't match"),
        ("iss", "Invalid issuer"),
        ("exp", "Signature has expired"),
        ("signature", "Signature verification failed"),
        ("key", "Signature verification failed"),
    ],
    ids=[
        "wrong-nonce",
        "wrong-audience",
        "wrong-issuer",
        "expired",
        "tampered-payload",
        "signed-with-another-key",
    ],
)
def test_an_id_token_that_fails_verification_signs_nobody_in(
    oidc, copilot, provider_browser, caplog, tamper, reason
):
    sandbox_post(oidc, "oidc", {"tamper": tamper})
    try:
        response = sign_in(copilot, provider_browser, "chen")
    finally:
        sandbox_post(oidc, "oidc", {"tamper": None})

    assert response.status_code == 302
    assert response.url == reverse("login-failed")
    assert signed_in_user(copilot) is None
    assert not get_user_model().objects.filter(username="chen").exists()
    assert reason in caplog.text


def test_the_same_flow_untampered_signs_in(oidc, copilot, provider_browser):
    """The control for the test above: only the tampering makes it fail."""
    sign_in(copilot, provider_browser, "chen")

    assert signed_in_user(copilot) is not None


def test_a_replayed_code_is_refused(oidc, copilot, provider_browser, caplog):
    start = copilot.get(reverse("oidc_authentication_init"))
    callback = provider_browser.authorize(start["Location"], username="chen")
    copilot.get(local(callback))
    assert signed_in_user(copilot) is not None

    # Another browser session with a state of its own presents the stolen code.
    from django.test import Client

    thief = Client(HTTP_HOST="127.0.0.1")
    state = thief.get(reverse("oidc_authentication_init"))["Location"].split("state=")[1]
    state = state.split("&")[0]
    code = callback.split("code=")[1].split("&")[0]
    response = thief.get(reverse("oidc_authentication_callback"), {"code": code, "state": state})

    assert response.url == reverse("login-failed")
    assert thief.session.get("_auth_user_id") is None
    assert "invalid_grant" in caplog.text


def test_a_callback_with_a_state_this_session_never_sent_is_refused(oidc, copilot):
    copilot.get(reverse("oidc_authentication_init"))

    response = copilot.get(
        reverse("oidc_authentication_callback"), {"code": "x", "state": "not-ours"}
    )

    assert response.status_code == 400
    assert signed_in_user(copilot) is None


def test_sign_in_redirects_to_the_provider_keeping_next(oidc, copilot):
    response = copilot.get(reverse("login"), {"next": "/sidebar/bh-001/"})

    assert response.status_code == 302
    follow = copilot.get(response.url)
    assert follow["Location"].startswith(f"{oidc.issuer}/auth?")
    assert copilot.session["oidc_login_next"] == "/sidebar/bh-001/"


def test_djangos_password_form_admits_staff_only(client):
    users = get_user_model()
    users.objects.create_user("clin", password="pw-123-long")
    users.objects.create_user("staff", password="pw-123-long", is_staff=True)

    assert not client.login(username="clin", password="pw-123-long")
    assert client.login(username="staff", password="pw-123-long")
