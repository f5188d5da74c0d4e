"""Start and stop the sandbox EHR (node sandbox/server.mjs) from Python, and the
copilot itself under daphne (`serve_copilot`) for browser tests and benchmarks.

Used by `manage.py demo`, the test suite and the benchmarks. The server binds to
127.0.0.1 only and prints one "sandbox EHR ready at <url>" line once its charts
are loaded. The same process is the development OpenID provider (issuer
`http://127.0.0.1:<port>/oidc`) with two clients, `copilot` (sign-in) and
`copilot-smart` (SMART EHR launch), whose development secrets are below.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SANDBOX_DIR = Path(__file__).resolve().parent
ROOT = SANDBOX_DIR.parent
READY = re.compile(r"sandbox EHR ready at (\S+)")
# Development-only client secrets of the sandbox's OpenID provider (never real ones).
OIDC_CLIENT_ID, OIDC_CLIENT_SECRET = "copilot", "sandbox-copilot-secret"  # noqa: S105
SMART_CLIENT_ID, SMART_CLIENT_SECRET = "copilot-smart", "sandbox-smart-secret"  # noqa: S105


class SandboxError(RuntimeError):
    """The sandbox could not be started (Node missing, npm packages missing, crash)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sandbox:
    """One sandbox EHR process on `port` (a free one when None).

    `base_url` is its FHIR base ("http://127.0.0.1:<port>/fhir/R4"), `issuer` its
    OpenID provider. `data_dir` overrides the folder holding synthea-10/ (default:
    ../shared/data beside the repo); `env` adds environment variables for the server
    (e.g. SANDBOX_OIDC_CROSS_SITE_COOKIES=1, see sandbox/oidc.mjs).
    """

    def __init__(
        self,
        port: int | None = None,
        data_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.data_dir = data_dir
        self.extra_env = env or {}
        self.base_url = f"http://127.0.0.1:{self.port}/fhir/R4"
        self.issuer = f"http://127.0.0.1:{self.port}/oidc"
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 60.0) -> Sandbox:
        node = shutil.which("node")
        if node is None:
            raise SandboxError("Node.js is not installed (the sandbox EHR needs Node 20).")
        if not (SANDBOX_DIR / "node_modules" / "@medplum" / "fhir-router").exists():
            raise SandboxError("Sandbox packages missing: run `npm ci` in sandbox/ (make install).")
        env = {
            **os.environ,
            "SANDBOX_PORT": str(self.port),
            "SANDBOX_OIDC_SECRET": OIDC_CLIENT_SECRET,
            "SANDBOX_SMART_SECRET": SMART_CLIENT_SECRET,
            **self.extra_env,
        }
        if self.data_dir:
            env["SANDBOX_DATA"] = str(self.data_dir)
        self.process = subprocess.Popen(
            [node, str(SANDBOX_DIR / "server.mjs")],
            cwd=SANDBOX_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._wait_ready(timeout)
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def copilot_env(self) -> dict[str, str]:
        """Environment variables that point the copilot at this sandbox: its FHIR base,
        its OpenID provider and the SMART launch from it."""
        return {
            "FHIR_BASE_URL": self.base_url,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": OIDC_CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": OIDC_CLIENT_SECRET,
            "SMART_CLIENT_ID": SMART_CLIENT_ID,
            "SMART_CLIENT_SECRET": SMART_CLIENT_SECRET,
            "SMART_ALLOWED_ISSUERS": self.base_url,
        }

    def _wait_ready(self, timeout: float) -> None:
        if self.process is None or self.process.stdout is None:
            raise SandboxError("Sandbox EHR process was not started.")
        deadline = time.monotonic() + timeout
        for line in self.process.stdout:
            self.output.append(line.rstrip())
            if READY.search(line):
                return
            if time.monotonic() > deadline:
                break
        self.stop()
        raise SandboxError("Sandbox EHR did not start:\n" + "\n".join(self.output[-20:]))

    def _drain(self) -> None:
        if self.process and self.process.stdout:
            for line in self.process.stdout:
                self.output.append(line.rstrip())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serve_copilot(
    port: int, env: dict[str, str], log: Path, *, ready: str = "/healthz", timeout: float = 90
) -> Iterator[str]:
    """The copilot under daphne on 127.0.0.1:`port` with environment `env`, its output in
    `log`; yields its base URL once `GET <ready>` answers 200 (the default, /healthz,
    also waits for every service the settings name) and stops it on exit. Raises
    SandboxError when it is not ready within `timeout` seconds."""
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    with _running([*command, "config.asgi:application"], env, log):
        _wait_for(f"{base}{ready}", timeout, log)
        yield base


@contextmanager
def serve_worker(env: dict[str, str], log: Path) -> Iterator[None]:
    """A Celery worker (`celery -A config worker`, one process, solo pool) with
    environment `env` (its REDIS_URL is the broker), its output in `log`, for as long
    as the block runs: what the Procfile's `worker` runs beside daphne."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    with _running([*command, "--loglevel=warning"], env, log):
        yield


@contextmanager
def _running(command: list[str], env: dict[str, str], log: Path) -> Iterator[None]:
    """`command` run from the project root with environment `env`, its output in `log`,
    for as long as the block runs; stopped with `_stop` on exit."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield
        finally:
            _stop(process)


def _stop(process: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds: daphne can wait on an open websocket
    (seen with the Redis channel layer) and a test run must not hang on it."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SandboxError(f"The copilot did not answer {url} within {timeout:.0f} s; see {log}")
