"""Safe embedding in the EHR: the Content-Security-Policy on every response (404 and
500 too), no inline script or style, cookies that work in a third-party iframe,
websockets refused for a foreign or missing Origin, and a clean `check --deploy`."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from copilot.web.cookies import PartitionedMorsel
from tests.factories import ClinicianFactory
from tests.websocket import OWN_ORIGIN, sidebar_socket

ROOT = Path(__file__).resolve().parent.parent.parent
EHR = "https://ehr.example.org"
AUDIT_KEY = base64.urlsafe_b64encode(b"a test-only Fernet key, 32 bytes").decode()


def production_settings(*names: str, **env: str) -> dict:
    """Settings of config.settings.production, read in a fresh interpreter."""
    script = (
        "import json, config.settings.production as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SECRET_KEY": "x" * 50,
            "AUDIT_ENCRYPTION_KEYS": AUDIT_KEY,
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


# --- Content-Security-Policy ------------------------------------------------------------


def test_production_frames_the_sidebar_only_from_the_configured_ehr_origins():
    directives = production_settings("CONTENT_SECURITY_POLICY", EHR_FRAME_ORIGINS=EHR)[
        "CONTENT_SECURITY_POLICY"
    ]["DIRECTIVES"]
    assert directives["frame-ancestors"] == [EHR]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == directives["base-uri"] == ["'none'"]
    # Sign out posts here and is redirected to the provider's end_session endpoint.
    assert directives["form-action"] == ["'self'", "http://127.0.0.1:8090"]
    elsewhere = production_settings(
        "CONTENT_SECURITY_POLICY",
        OIDC_OP_ISSUER="https://login.example.org/realms/clinic",
        OIDC_OP_LOGOUT_ENDPOINT="https://logout.example.org/end",
    )["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert elsewhere["form-action"] == [
        "'self'",
        "https://login.example.org",
        "https://logout.example.org",
    ]
    unset = production_settings("CONTENT_SECURITY_POLICY", EHR_FRAME_ORIGINS="")
    assert unset["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-ancestors"] == ["'none'"]


@pytest.fixture
def boom_urls(settings):
    settings.ROOT_URLCONF = "tests.access.boom_urls"


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy(ehr, boom_urls):
    clinician = ClinicianFactory().user
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(clinician)
    anonymous = Client(raise_request_exception=False)
    responses = {
        "page": signed_in.get(reverse("sidebar", args=["bh-001"])),
        "partial": signed_in.get(reverse("sidebar-chart", args=["bh-001"]), HTTP_HX_REQUEST="1"),
        "denied": signed_in.get(reverse("sidebar", args=["bh-002"])),
        "no such page": signed_in.get("/no/such/page/"),
        "wrong method": signed_in.post(reverse("sidebar", args=["bh-001"])),
        "redirect to sign in": anonymous.get(reverse("client-picker")),
        "sign-in (to the provider)": anonymous.get(reverse("login")),
        "sign-in problem page": anonymous.get(reverse("login-failed")),
        "webhook": anonymous.post(reverse("ehr-webhook"), data="{}", content_type="text/plain"),
        "static file": anonymous.get("/static/copilot/sidebar.js"),
        "server error": anonymous.get("/boom/"),
    }
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "page": 200,
        "partial": 200,
        "denied": 404,
        "no such page": 404,
        "wrong method": 405,
        "redirect to sign in": 302,
        "sign-in (to the provider)": 302,
        "sign-in problem page": 200,
        "webhook": 401,
        "static file": 200,
        "server error": 500,
    }
    for name, response in responses.items():
        directives = policy(response)
        assert directives["frame-ancestors"] == ["'none'"], name  # test settings list none
        assert directives["script-src"] == ["'self'"], name
        assert directives["object-src"] == directives["base-uri"] == ["'none'"], name


@pytest.mark.django_db
def test_the_pages_hold_no_inline_script_style_or_event_handler(ehr, settings):
    settings.EHR_DEMO_PAGE = True
    client = Client()
    client.force_login(ClinicianFactory().user)
    pages = [
        reverse("client-picker"),
        reverse("sidebar", args=["bh-001"]),
        reverse("sidebar-chart", args=["bh-001"]),
        reverse("ehr-demo", args=["bh-001"]),
        reverse("login"),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", body) == [], url
        assert re.findall(r"<style\b", body) == [], url
        assert re.findall(r"\s(?:on[a-z]+|style)=", body) == [], url
    for template in (ROOT / "templates").rglob("*.html"):
        assert "<script>" not in template.read_text(), template


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code():
    base = (ROOT / "templates" / "copilot" / "base.html").read_text()
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']+)\'', base)[1])
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False


# --- cookies ---------------------------------------------------------------------------


def test_production_cookies_are_cross_site_and_secure():
    names = ("SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE")
    secure = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    values = production_settings(*names, *secure)
    assert [values[n] for n in names] == ["None", "None"]
    assert all(values[n] is True for n in secure)


@pytest.mark.django_db
def test_cross_site_session_and_csrf_cookies_are_partitioned(settings):
    settings.SESSION_COOKIE_SAMESITE = settings.CSRF_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    # Clinicians sign in at the OpenID provider; the admin site's staff sign-in sets the
    # same cookies without one.
    staff = get_user_model().objects.create_user("it", password="pw-for-test", is_staff=True)
    client = Client()
    client.get(reverse("admin:login"))
    response = client.post(
        reverse("admin:login"), {"username": staff.username, "password": "pw-for-test"}
    )
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        header = response.cookies[name].output()
        assert "SameSite=None" in header and "Secure" in header
        assert header.endswith("; Partitioned"), header


@pytest.mark.django_db
def test_first_party_cookies_are_left_alone(settings):
    settings.SESSION_COOKIE_SAMESITE = "Lax"
    client = Client()
    client.force_login(ClinicianFactory().user)
    response = client.get(reverse("login"))
    assert response.cookies["sessionid"].output().endswith("SameSite=Lax")
    assert not isinstance(response.cookies["sessionid"], PartitionedMorsel)


# --- websockets ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin", [OWN_ORIGIN, "https://evil.example", "http://testserver.evil.example", "null", None]
)
async def test_a_websocket_opens_only_from_the_sidebars_own_origin(ehr, clinician, origin):
    communicator = await sidebar_socket(clinician, "bh-001", origin=origin)
    connected, _ = await communicator.connect()
    assert connected is (origin == OWN_ORIGIN)
    await communicator.disconnect()


# --- deployment ------------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "k3Y9" * 10,
        "DJANGO_ALLOWED_HOSTS": "copilot.example.org",
        "EHR_FRAME_ORIGINS": EHR,
        "AUDIT_ENCRYPTION_KEYS": AUDIT_KEY,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
    production = (ROOT / "config" / "settings" / "production.py").read_text()
    silenced = re.search(r"SILENCED_SYSTEM_CHECKS = \[(.*?)\]", production, re.DOTALL)[1]
    for line in [line.strip() for line in silenced.splitlines() if line.strip()]:
        assert line.startswith(("#", '"')), line
    assert silenced.count("#") == silenced.count('"') // 2  # one reason per silenced check
