"""SMART on FHIR EHR launch from the sandbox EHR: discovery, PKCE, state, code
exchange, the launch context, and the session's FHIR calls with the launch's token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from copilot.accounts.smart import SESSION_LAUNCH
from tests.factories import ClinicianFactory

from .conftest import ProviderBrowser, local, sandbox_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def chen(copilot):
    copilot.force_login(ClinicianFactory(user__username="chen").user)
    return copilot


def launch(copilot, sandbox, patient="bh-001", encounter=None, iss=None):
    """What the EHR does: issue a launch id and open /smart/launch; the response."""
    context = {"patient": patient, **({"encounter": encounter} if encounter else {})}
    launch_id = sandbox_post(sandbox, "launch", context)["launch"]
    return copilot.get(
        reverse("smart-launch"), {"iss": iss or sandbox.base_url, "launch": launch_id}
    )


def authorized_callback(copilot, sandbox, browser=None, **kwargs) -> str:
    """Launch and authorize at the sandbox's provider; the callback URL (code, state)."""
    response = launch(copilot, sandbox, **kwargs)
    assert response.status_code == 302
    return (browser or ProviderBrowser()).authorize(response["Location"], username="chen")


def test_a_launch_opens_the_sidebar_for_the_launch_patient(oidc, chen):
    callback = authorized_callback(chen, oidc, patient="bh-003", encounter="enc-7")

    response = chen.get(local(callback))

    assert response.status_code == 302
    assert response.url == reverse("sidebar", args=["bh-003"])
    launched = chen.session[SESSION_LAUNCH]
    assert (launched["patient"], launched["encounter"]) == ("bh-003", "enc-7")
    assert launched["iss"] == oidc.base_url


def test_the_authorization_request_has_pkce_s256_a_long_state_and_the_launch(oidc, chen):
    location = launch(chen, oidc)["Location"]

    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{oidc.issuer}/auth?")  # from smart-configuration
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 43  # 32 random bytes, base64url: 256 bits
    assert query["aud"] == [oidc.base_url] and query["launch"][0]
    assert query["client_id"] == ["copilot-smart"]


def test_after_a_launch_the_sessions_fhir_calls_carry_its_token(oidc, chen, sandbox_control):
    chen.get(local(authorized_callback(chen, oidc)))
    sandbox_control.reset_stats()

    response = chen.get(reverse("sidebar-chart", args=["bh-001"]))

    assert response.status_code == 200
    stats = sandbox_control.stats()
    assert stats["requests"] > 0
    assert stats["bearerRequests"] == stats["requests"]


def test_a_session_without_a_launch_uses_the_settings_ehr_access(oidc, chen, sandbox_control):
    sandbox_control.reset_stats()

    assert chen.get(reverse("sidebar-chart", args=["bh-001"])).status_code == 200
    assert sandbox_control.stats()["bearerRequests"] == 0


def test_a_wrong_state_is_refused(oidc, chen):
    callback = authorized_callback(chen, oidc)
    code = parse_qs(urlsplit(callback).query)["code"][0]

    response = chen.get(reverse("smart-callback"), {"code": code, "state": "x" * 43})

    assert response.status_code == 400
    assert SESSION_LAUNCH not in chen.session


def test_a_state_is_used_once(oidc, chen):
    callback = authorized_callback(chen, oidc)
    assert chen.get(local(callback)).status_code == 302

    assert chen.get(local(callback)).status_code == 400


def test_a_replayed_code_is_refused(oidc, chen):
    first = authorized_callback(chen, oidc)
    chen.get(local(first))
    # A new launch (a state of this session) presented with the first, used code.
    second = parse_qs(urlsplit(authorized_callback(chen, oidc)).query)
    old_code = parse_qs(urlsplit(first).query)["code"][0]

    response = chen.get(reverse("smart-callback"), {"code": old_code, "state": second["state"][0]})

    assert response.status_code == 400
    assert "refused the authorization code" in response.content.decode()


def test_an_issuer_not_in_the_allowed_list_is_refused(oidc, chen):
    response = launch(chen, oidc, iss="http://127.0.0.1:9/fhir/R4")

    assert response.status_code == 403
    assert "not allowed" in response.content.decode()


def test_an_unknown_launch_id_is_refused_by_the_ehr(oidc, chen):
    response = chen.get(reverse("smart-launch"), {"iss": oidc.base_url, "launch": "made-up"})
    callback = ProviderBrowser().authorize(response["Location"], username="chen")

    assert "error=invalid_request" in callback
    assert chen.get(local(callback)).status_code == 400


def test_a_launch_before_sign_in_signs_in_once_and_opens_the_patient(oidc, copilot):
    launch_id = sandbox_post(oidc, "launch", {"patient": "bh-001"})["launch"]
    url = f"{reverse('smart-launch')}?iss={oidc.base_url}&launch={launch_id}"
    browser = ProviderBrowser()

    to_sign_in = copilot.get(url)
    to_provider = copilot.get(copilot.get(to_sign_in.url).url)
    signed_in = copilot.get(local(browser.authorize(to_provider["Location"], username="chen")))
    assert signed_in.url == url  # back to the launch
    to_ehr = copilot.get(signed_in.url)
    # The provider's session from the sign-in: no second login form.
    opened = copilot.get(local(browser.authorize(to_ehr["Location"], username=None)))

    assert to_sign_in.url.startswith(reverse("login"))
    assert opened.url == reverse("sidebar", args=["bh-001"])


def test_the_sandbox_refuses_an_unknown_bearer_token(sandbox):
    response = httpx.get(
        f"{sandbox.base_url}/Patient/bh-001", headers={"Authorization": "Bearer forged"}
    )

    assert response.status_code == 401
