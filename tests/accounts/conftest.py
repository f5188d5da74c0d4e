"""Sign-in fixtures: the copilot pointed at the sandbox's OpenID provider, and a
browser stand-in (requests) that signs in at the provider's login form."""

from __future__ import annotations

import json
import re
import urllib.request
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client

from sandbox.launch import Sandbox

# Django's test client answers as 127.0.0.1 so that redirect URIs are on loopback,
# as the sandbox's clients register them (any port on loopback, RFC 8252 §7.3).
COPILOT_HOST = "127.0.0.1"
DEMO_PASSWORD = "demo"
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


@pytest.fixture
def copilot() -> Client:
    """Django's test client, seen by the provider as a copilot on loopback."""
    return Client(HTTP_HOST=COPILOT_HOST)


class ProviderBrowser:
    """A browser's cookie jar at the OpenID provider: follows the provider's redirects
    and fills its login form, up to the redirect back to the copilot."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def authorize(
        self, url: str, username: str | None = "chen", password: str = DEMO_PASSWORD
    ) -> str:
        """Follow an authorization URL to the copilot's callback URL (code and state);
        signs in as `username` if the provider asks."""
        response = self.http.get(url, allow_redirects=False, timeout=10)
        while True:
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if urlsplit(location).netloc == COPILOT_HOST:
                    return location
                response = self.http.get(location, allow_redirects=False, timeout=10)
            elif (form := FORM_ACTION.search(response.text)) and username:
                action = urljoin(response.url, unescape(form.group(1)))
                data = {"username": username, "password": password}
                response = self.http.post(action, data=data, allow_redirects=False, timeout=10)
                username = None
            else:
                raise AssertionError(f"provider stopped at {response.status_code}: {response.url}")


@pytest.fixture
def provider_browser() -> ProviderBrowser:
    return ProviderBrowser()


def sandbox_post(sandbox: Sandbox, path: str, body: dict) -> dict:
    """POST to the sandbox's test-only /_sandbox/ endpoints."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{sandbox.port}/_sandbox/{path}",
        data=json.dumps(body).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def local(url: str) -> str:
    """The path and query of a URL on the copilot, for Django's test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
