"""Health of what the copilot depends on, for `/healthz` (load balancers, monitoring).

Each check reaches one dependency the settings name - the database, Redis (when
REDIS_URL is set: the channel layer and the task broker), Chroma (embedded or the
server CHROMA_HOST names) and the EHR (FHIR_BASE_URL's CapabilityStatement) - with
a short timeout, and reports whether it answered and how long it took. Nothing a
check reports holds PHI or a secret: names, a status and an error class only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

TIMEOUT_SECONDS = 3.0  # per check; a load balancer probe waits for all of them at once


@dataclass(frozen=True)
class Check:
    """One dependency's answer: `ok`, `detail` (what answered, or the error's class and
    message) and `ms`, the time it took in milliseconds."""

    name: str
    ok: bool
    detail: str
    ms: float

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.ms, 1)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _redis() -> str:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
        return f"redis {client.info('server').get('redis_version', '?')}"
    finally:
        client.close()


def _chroma() -> str:
    from copilot.retrieval.index import get_chroma

    get_chroma().heartbeat()
    where = settings.CHROMA_HOST and f"server {settings.CHROMA_HOST}:{settings.CHROMA_PORT}"
    return where or "embedded"


async def _ehr() -> str:
    from copilot.ehr import get_gateway

    return await get_gateway().ping()


async def _timed(name: str, call: Callable[[], Awaitable[str]]) -> Check:
    start = time.perf_counter()
    try:
        detail = await asyncio.wait_for(call(), TIMEOUT_SECONDS)
        ok = True
    except Exception as exc:  # noqa: BLE001 - any failure is the answer, reported by class
        detail, ok = f"{type(exc).__name__}: {str(exc)[:200]}", False
    return Check(name, ok, detail, (time.perf_counter() - start) * 1000)


@dataclass(frozen=True)
class Report:
    """Every check's answer; `ok` when all of them answered."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_dict(self) -> dict:
        """{"status": "ok" | "unavailable", "checks": {name: {ok, detail, ms}}}."""
        return {
            "status": "ok" if self.ok else "unavailable",
            "checks": {c.name: c.as_dict() for c in self.checks},
        }


async def run_checks() -> Report:
    """Every dependency's check, run at once; never raises."""
    calls: dict[str, Callable[[], Awaitable[str]]] = {
        "database": sync_to_async(_database),
        "chroma": sync_to_async(_chroma, thread_sensitive=False),
        "ehr": _ehr,
    }
    if settings.REDIS_URL:
        calls["redis"] = sync_to_async(_redis, thread_sensitive=False)
    return Report(tuple(await asyncio.gather(*(_timed(n, c) for n, c in calls.items()))))
