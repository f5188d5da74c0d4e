"""Browser tests: daphne (websockets and all) in a subprocess against its own SQLite
file, index folder and the session's sandbox EHR, driven through Debian's Chromium
with Playwright (no browser downloads)."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from sandbox.launch import free_port, serve_copilot, serve_worker

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


@contextmanager
def running_copilot(
    sandbox, tmp_path_factory, port: int | None = None, **settings: str
) -> Iterator[str]:
    """The copilot under daphne on `port` (default: a free one) on loopback, with local
    settings plus `settings` as environment variables, its own SQLite file, index
    folder and the demo accounts; yields its base URL. With REDIS_URL set (the
    services suite) it runs as deployed: the Redis channel layer, and a Celery worker
    beside daphne for queued work, on a Redis database of its own (2) so that no other
    test's worker takes its tasks."""
    port = port or free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'browser.sqlite3'}",
        **sandbox.copilot_env(),
        "DJANGO_DEBUG": "true",
        "CHROMA_PATH": str(tmp_path_factory.mktemp("chroma")),
        **settings,
    }
    if env.get("REDIS_URL"):
        env["REDIS_URL"] = re.sub(r"/\d+$", "", env["REDIS_URL"].rstrip("/")) + "/2"
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo_users")
    logs = tmp_path_factory.mktemp("log")
    worker = serve_worker(env, logs / "worker.log") if env.get("REDIS_URL") else nullcontext()
    with (
        worker,
        serve_copilot(
            port, env, logs / "daphne.log", ready="/accounts/login/failed/", timeout=60
        ) as base,
    ):
        yield base


@pytest.fixture(scope="module")
def copilot_server(sandbox, tmp_path_factory):
    """The copilot under daphne with the sandbox EHR and its OpenID provider."""
    with running_copilot(sandbox, tmp_path_factory) as base:
        yield base


@pytest.fixture(scope="module")  # not session: Playwright's loop must end before async tests
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page, base: str, username: str) -> None:
    """Sign in as a demo user through the sandbox OpenID provider's login form."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def written_id(status) -> str:
    """The id of the DocumentReference a status element ("… written to the EHR as
    DocumentReference/<id> …") names, once it shows."""
    status.wait_for(timeout=30_000)
    return re.search(r"DocumentReference/([\w-]+)", status.inner_text()).group(1)


def written_document(sandbox, document_id: str) -> tuple[dict, str]:
    """The DocumentReference as the sandbox EHR holds it, and its note text."""
    with urllib.request.urlopen(f"{sandbox.base_url}/DocumentReference/{document_id}") as r:
        document = json.load(r)
    return document, base64.b64decode(document["content"][0]["attachment"]["data"]).decode()


def provenances_of(sandbox, target: str) -> list[dict]:
    """The Provenance resources whose target is `target` ("DocumentReference/<id>")."""
    with urllib.request.urlopen(f"{sandbox.base_url}/Provenance?target={target}") as r:
        return [e["resource"] for e in json.load(r).get("entry", [])]


PLACEHOLDER = re.compile(r"\s*\[clinician to complete: [^\]]*\]")


def keep_sections(frame, keys, edited: dict[str, str]) -> None:
    """Keep each section of `keys`: accepted as drafted, or, when it holds a
    placeholder, edited with the placeholders removed; then type the `edited` texts
    (section key → text) and wait until every section is decided."""
    edited = dict(edited)
    for key in keys:
        current = frame.locator(f"#edit-{key}").input_value()
        completed = PLACEHOLDER.sub("", current).strip()
        if completed != current.strip():
            edited[key] = completed
        else:
            frame.locator(f"#section-{key} button[value=accept]").click()
            frame.locator(f"#section-{key}.decision-accepted").wait_for()
    for key, text in edited.items():
        frame.locator(f"#section-{key} details.edit summary").click()
        frame.locator(f"#edit-{key}").fill(text)
    frame.locator("#approve-bar").filter(has_not_text="left)").wait_for(timeout=15_000)
