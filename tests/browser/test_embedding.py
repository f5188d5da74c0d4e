"""Embedding in real Chromium: the sidebar inside an EHR page on another site.

The copilot runs on http://127.0.0.1:<port> with EHR_FRAME_ORIGINS naming one host
page on http://localhost:<port> (another site, so its cookies are third-party
there) and CROSS_SITE_COOKIES on (SameSite=None; Secure; Partitioned, which
Chromium keeps for loopback hosts over http). A second host page on another
localhost port is not listed. Sign-in happens inside the frame, at the sandbox's
OpenID provider, whose cookies are cross-site ones too.
"""

from __future__ import annotations

import html
import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from sandbox.launch import Sandbox, free_port
from tests.browser.conftest import running_copilot

pytestmark = pytest.mark.browser


class HostPage(BaseHTTPRequestHandler):
    """An EHR page framing the URL given as `?src=`."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        src = parse_qs(urlsplit(self.path).query).get("src", [""])[0]
        body = f'<!doctype html><title>EHR</title><iframe src="{html.escape(src)}"></iframe>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args) -> None:
        pass


@contextmanager
def host_page(port: int) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", port), HostPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def embedding(tmp_path_factory):
    """(copilot base URL, allowed host page origin, disallowed host page origin), with a
    sandbox of its own whose OpenID provider's cookies work in a cross-site iframe."""
    port, allowed_port, other_port = free_port(), free_port(), free_port()
    allowed = f"http://localhost:{allowed_port}"
    with (
        Sandbox(env={"SANDBOX_OIDC_CROSS_SITE_COOKIES": "1"}) as sandbox,
        running_copilot(
            sandbox,
            tmp_path_factory,
            port,
            EHR_FRAME_ORIGINS=allowed,
            SIDEBAR_ORIGINS=f"http://127.0.0.1:{port}",
            CROSS_SITE_COOKIES="true",
        ) as base,
        host_page(allowed_port),
        host_page(other_port) as other,
    ):
        yield base, allowed, other


def framing(host: str, url: str) -> str:
    return f"{host}/?src={quote(url, safe='')}"


def sign_in_framed(frame) -> None:
    """Sign in as chen inside the EHR page's iframe: the copilot sends the frame to the
    sandbox's OpenID provider, whose login form is filled there, and back."""
    frame.locator("#username").fill("chen")
    frame.locator("#password").fill("demo")
    frame.locator("button[type=submit]").click()


def test_the_sidebar_works_inside_an_allowed_ehr_page_on_another_site(embedding, browser):
    base, allowed, _ = embedding
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(framing(allowed, f"{base}/accounts/login/?next=/sidebar/bh-001/"))
    frame = page.frame_locator("iframe")
    sign_in_framed(frame)
    frame.locator(".client-header h1").wait_for(timeout=30_000)  # signed in, chart loaded
    assert frame.locator(".client-header h1").inner_text() == "Maya Thompson"

    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    for name in ("sessionid", "csrftoken"):  # kept in the EHR site's partition
        assert cookies[name]["sameSite"] == "None" and cookies[name]["secure"]
        assert cookies[name]["partitionKey"] == "http://localhost"

    # The websocket (same session, partitioned cookie) drafts a note.
    frame.locator("#composer-template").select_option("soap")
    frame.locator("#composer-text").fill(
        "Client reported sleeping better. Mood euthymic. Continue CBT next week."
    )
    frame.locator("#composer button[value=draft]").click()
    frame.locator("#draft-panel[data-status=complete]").wait_for(timeout=90_000)
    assert frame.locator("#draft-sections article").count() == 4
    context.close()


def test_an_ehr_page_not_listed_cannot_frame_the_sidebar(embedding, browser):
    base, allowed, other = embedding
    context = browser.new_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    # Signed in through the allowed page: the partitioned cookie belongs to the site
    # "localhost", which the other page shares, so only the CSP stops the frame.
    page.goto(framing(allowed, f"{base}/accounts/login/?next=/sidebar/bh-001/"))
    frame = page.frame_locator("iframe")
    sign_in_framed(frame)
    frame.locator(".client-header h1").wait_for(timeout=30_000)

    page.goto(framing(other, f"{base}/sidebar/bh-001/"))
    page.wait_for_load_state("load")
    child = page.main_frame.child_frames[0]
    assert not child.url.startswith(base)  # Chromium replaced it with its error page
    assert "Maya Thompson" not in child.content()
    assert any("frame-ancestors" in text for text in console)
    context.close()


def test_daphne_refuses_a_websocket_from_a_foreign_origin(embedding):
    base, allowed, _ = embedding
    host, port = urlsplit(base).hostname, urlsplit(base).port
    for origin in ("https://evil.example", allowed, None):  # the EHR page's origin too
        connection = http.client.HTTPConnection(host, port, timeout=10)
        headers = {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
        }
        if origin:
            headers["Origin"] = origin
        connection.request("GET", "/ws/sidebar/bh-001/", headers=headers)
        assert connection.getresponse().status == 403, origin
        connection.close()
