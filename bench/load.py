"""Production mode under load: concurrent sidebars on 2 daphne processes, and the
write-back outbox through 1,000 injected EHR write failures.

Needs the services `make services` starts (PostgreSQL, Redis, a Chroma server on
loopback). Starts its own sandbox EHR, creates a throw-away database `copilot_load`,
migrates it and seeds the demo clinicians, then

- sidebars: starts 2 daphne processes (config.settings.local with DATABASE_URL,
  REDIS_URL as the channel layer and CHROMA_HOST), opens N websockets at once,
  alternately on each process, each with its own signed-in session of a demo
  clinician on a client of their caseload (the 8 demo clients in turn), and on every
  one at the same moment drafts a SOAP note
  from brief notes and then asks a chart question. Prints errors (refused sockets,
  error frames, streams past the time limit), the time to the first frame of the
  draft (a section streaming) and of the answer (its first sentence), p50 / p95,
  whole draft p50 / p95, and drafts per minute (N drafts over the wall time);
- outbox: 250 approved notes, the sandbox failing the next 1,000 FHIR writes with
  503 (every second one after storing it: a lost response), 4 senders (threads with
  their own PostgreSQL connections) sweeping the outbox at once with a 10 ms backoff
  until every note is written or 5 minutes pass. Prints the writes failed, duplicate
  DocumentReferences (a draft identifier found more than once) and lost approvals
  (not written).

Usage: python bench/load.py [--sidebars 200] [--approvals 250] [--failures 1000]
Loopback only; every stream is bounded by --timeout seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = "postgres://copilot:copilot@127.0.0.1:5432"
DATABASE_URL = f"{PG}/copilot_load"
SERVICES = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "CHROMA_HOST": "127.0.0.1",
    "CHROMA_PORT": "8009",
}
# (clinician, client on their caseload: the seed's CareTeams), one pair per demo client.
PAIRS = [
    ("chen", "bh-001"),
    ("okafor", "bh-002"),
    ("patel", "bh-003"),
    ("chen", "bh-004"),
    ("okafor", "bh-005"),
    ("patel", "bh-006"),
    ("okafor", "bh-007"),
    ("rivera", "bh-008"),
]
NOTES = (
    "Pt. reports sleeping 6 hours most nights since starting the wind-down routine. "
    "Mood euthymic, affect bright, good eye contact. We practiced cognitive "
    "restructuring of self-critical thoughts. Denies SI/HI. Plan: continue CBT next "
    "week and keep the activity log."
)
QUESTION = "what is her latest PHQ-9"
SECTION_STREAMING = re.compile(r'class="section streaming"')
DRAFT_DONE = re.compile(r'id="draft-panel"[\s\S]*(?:draft ·|Draft stopped)')
ANSWER_SENTENCE = re.compile(r'class="answer-sentence"')
ANSWER_DONE = re.compile(r'class="turn kind-')
ERROR_FRAME = re.compile(
    r'id="draft-notice"|id="composer-error"|id="chat-error"|class="turn failed"'
)


def percentile(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else (values[0] if values else float("nan"))
    )


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/copilot", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS copilot_load WITH (FORCE)")
        connection.execute("CREATE DATABASE copilot_load")


def setup_django(sandbox_env: dict[str, str]) -> None:
    os.environ.update({**SERVICES, **sandbox_env})
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo_users", verbosity=0)


def sessions(count: int) -> list[tuple[str, str]]:
    """`count` (session key, client id): a signed-in session, as the OpenID sign-in
    leaves it, of each pair's clinician in turn."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for i in range(count):
        username, client = PAIRS[i % len(PAIRS)]
        user = get_user_model().objects.get(username=username)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append((session.session_key, client))
    return keys


async def receive_until(ws, pattern: re.Pattern, seconds: float) -> str:
    """Frames until one matches `pattern`; raises on an error frame, close or timeout."""
    async with asyncio.timeout(seconds):
        while True:
            message = await ws.receive()
            if message.type.name != "TEXT":
                raise ConnectionError(f"socket {message.type.name.lower()}")
            if ERROR_FRAME.search(message.data):
                raise RuntimeError("error frame")
            if pattern.search(message.data):
                return message.data


async def sidebar(
    http, port: int, session: str, client: str, start: asyncio.Event, seconds: float
) -> dict:
    """One sidebar: draft, then ask; the times of each stage in ms, or the error."""
    import aiohttp

    origin = f"http://127.0.0.1:{port}"
    try:
        ws = await http.ws_connect(
            f"ws://127.0.0.1:{port}/ws/sidebar/{client}/",
            headers={"Origin": origin, "Cookie": f"sessionid={session}"},
            timeout=aiohttp.ClientWSTimeout(ws_close=10),
        )
    except aiohttp.ClientError as error:
        return {"error": f"connect: {type(error).__name__}"}
    try:
        await start.wait()
        began = time.perf_counter()
        await ws.send_json({"action": "draft", "template": "soap", "text": NOTES})
        await receive_until(ws, SECTION_STREAMING, seconds)
        first = time.perf_counter()
        await receive_until(ws, DRAFT_DONE, seconds)
        drafted = time.perf_counter()
        await ws.send_json({"action": "ask", "question": QUESTION})
        await receive_until(ws, ANSWER_SENTENCE, seconds)
        answered = time.perf_counter()
        await receive_until(ws, ANSWER_DONE, seconds)
        return {
            "first_section": (first - began) * 1000,
            "draft": (drafted - began) * 1000,
            "first_answer": (answered - drafted) * 1000,
        }
    except (TimeoutError, ConnectionError, RuntimeError) as error:
        return {"error": f"{type(error).__name__}: {error}"}
    finally:
        await ws.close()


async def sidebars(ports: list[int], keys: list[tuple[str, str]], seconds: float) -> None:
    import aiohttp

    start = asyncio.Event()
    limits = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=limits) as http:
        tasks = [
            asyncio.create_task(sidebar(http, ports[i % len(ports)], key, client, start, seconds))
            for i, (key, client) in enumerate(keys)
        ]
        await asyncio.sleep(2)  # every socket connected (or refused) before the start
        began = time.perf_counter()
        start.set()
        results = await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
    errors = [r["error"] for r in results if "error" in r]
    done = [r for r in results if "error" not in r]
    print(
        f"sidebars: {len(keys)} at once on {len(ports)} daphne processes; "
        f"errors {len(errors)}" + (f" ({sorted(set(errors))[:3]})" if errors else "")
    )
    if done:
        for label, key in (
            ("first section frame", "first_section"),
            ("whole draft", "draft"),
            ("first answer sentence", "first_answer"),
        ):
            values = [r[key] for r in done]
            print(
                f"  {label}: p50 {statistics.median(values):.0f} ms, "
                f"p95 {percentile(values, 95):.0f} ms"
            )
    print(f"  drafts per minute: {len(done) / wall * 60:.0f} ({len(done)} in {wall:.1f} s)")


def outbox(sandbox, approvals: int, failures: int, senders: int) -> None:
    from asgiref.sync import async_to_sync
    from django.conf import settings
    from django.db import connections

    from copilot.review import outbox as outbox_module
    from copilot.review import services
    from copilot.review.models import WriteBack
    from tests.factories import soap_draft

    settings.OUTBOX_RETRY_BASE_SECONDS = 0.01
    settings.OUTBOX_RETRY_MAX_SECONDS = 0.01
    drafts = []
    for i in range(approvals):
        draft = soap_draft(client_id="bh-001")
        for section in draft.sections.all():
            services.section_decide(
                actor=draft.author, draft=draft, key=section.key, decision="accepted"
            )
        services.draft_approve(actor=draft.author, draft=draft, idempotency_key=f"load-{i}")
        drafts.append(draft)
    control = f"{sandbox.base_url.split('/fhir')[0]}/_sandbox"
    _post(f"{control}/stats/reset", {})
    _post(f"{control}/config", {"failWrites": failures})
    deadline = time.monotonic() + 300
    stop = threading.Event()

    def sender(_: int) -> None:
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                if not async_to_sync(outbox_module.deliver_due)():
                    if (
                        not WriteBack.objects.exclude(status=WriteBack.Status.WRITTEN)
                        .exclude(status=WriteBack.Status.FAILED)
                        .exists()
                    ):
                        stop.set()
                    time.sleep(0.02)
        finally:
            connections.close_all()

    began = time.perf_counter()
    with ThreadPoolExecutor(senders) as pool:
        list(pool.map(sender, range(senders)))
    seconds = time.perf_counter() - began
    stats = httpx.get(f"{control}/stats", timeout=10).json()
    duplicates = lost = 0
    for draft in drafts:
        found = httpx.get(
            f"{sandbox.base_url}/DocumentReference",
            params={"identifier": f"urn:ietf:rfc:3986|urn:uuid:{draft.id}", "_summary": "count"},
            timeout=10,
        ).json()
        duplicates += max(0, found["total"] - 1)
        lost += found["total"] == 0
    statuses = WriteBack.objects.values_list("status", flat=True)
    not_written = sum(1 for s in statuses if s != WriteBack.Status.WRITTEN)
    print(
        f"outbox: {approvals} approvals, {senders} senders, {stats['writesFailed']} EHR "
        f"writes failed (every second after storing), {seconds:.1f} s"
    )
    print(
        f"  duplicate DocumentReferences {duplicates}; lost approvals {lost} "
        f"(not in the EHR), {not_written} not marked written"
    )


def _post(url: str, body: dict) -> None:
    httpx.post(url, json=body, timeout=10).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sidebars", type=int, default=200)
    parser.add_argument("--approvals", type=int, default=250)
    parser.add_argument("--failures", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per stream")
    args = parser.parse_args()

    from sandbox.launch import Sandbox, free_port, serve_copilot

    fresh_database()
    with Sandbox() as sandbox:
        env = {
            **os.environ,
            **SERVICES,
            **sandbox.copilot_env(),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        setup_django(sandbox.copilot_env())
        keys = sessions(args.sidebars)
        ports = [free_port(), free_port()]
        logs = Path(tempfile.gettempdir())
        with ExitStack() as servers:
            for port in ports:
                servers.enter_context(serve_copilot(port, env, logs / f"load-daphne-{port}.log"))
            asyncio.run(sidebars(ports, keys, args.timeout))
        outbox(sandbox, args.approvals, args.failures, args.senders)


if __name__ == "__main__":
    main()
