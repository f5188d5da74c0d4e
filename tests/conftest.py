"""Fixtures: a real sandbox EHR over HTTP for the whole session, and ways to steer it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.accounts.oidc import provider_metadata
from copilot.ehr.fhir_r4 import FhirR4Gateway
from sandbox.launch import Sandbox, free_port


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need PostgreSQL, Redis and a Chroma server (make
    test-services); without them configured they are deselected, and pytest's
    summary counts them as such."""
    from django.conf import settings

    configured = (
        settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        and settings.REDIS_URL
        and settings.CHROMA_HOST
    )
    if configured:
        return
    deselected = [item for item in items if item.get_closest_marker("services")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("services")]


SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The sandbox EHR (Medplum engine, Synthea + behavioral-health charts) on loopback."""
    with Sandbox() as running:
        yield running


@pytest.fixture
def oidc(settings, sandbox: Sandbox) -> Iterator[Sandbox]:
    """Settings that point sign-in, SMART launch and the EHR at the sandbox (and its
    OpenID provider)."""
    for name, value in sandbox.copilot_env().items():
        setattr(settings, name, value.split(",") if name == "SMART_ALLOWED_ISSUERS" else value)
    provider_metadata.cache_clear()
    yield sandbox
    provider_metadata.cache_clear()


class SandboxControl:
    """The sandbox's test-only /_sandbox/ endpoints: delay, injected failures, counters."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.root = f"http://127.0.0.1:{sandbox.port}/_sandbox"
        self.fhir = sandbox.base_url

    def _call(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.root}/{path}", data=data, method="POST" if data is not None else "GET"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def configure(self, **settings: object) -> dict:
        return self._call("config", settings)

    def stats(self) -> dict:
        return self._call("stats")

    def reset_stats(self) -> None:
        self._call("stats/reset", {})

    def create(self, resource: dict) -> dict:
        """POST a resource to the FHIR API as any EHR client would; returns it with its id."""
        return self._fhir("POST", resource["resourceType"], resource)

    def update(self, resource: dict) -> dict:
        """PUT a changed resource (a new version); returns it with its new meta."""
        return self._fhir("PUT", f"{resource['resourceType']}/{resource['id']}", resource)

    def delete(self, reference: str) -> None:
        """DELETE a resource ("DocumentReference/abc") from the EHR."""
        self._fhir("DELETE", reference)

    def _fhir(self, method: str, path: str, resource: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.fhir}/{path}",
            data=json.dumps(resource).encode() if resource is not None else None,
            headers={"Content-Type": "application/fhir+json"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else {}


@pytest.fixture
def sandbox_control(sandbox: Sandbox) -> Iterator[SandboxControl]:
    control = SandboxControl(sandbox)
    yield control
    control.configure(delayMs=0, failStatus=0)


@pytest.fixture
def gateway(sandbox: Sandbox) -> FhirR4Gateway:
    return FhirR4Gateway(sandbox.base_url, timeout=10)


@pytest.fixture
def down_url() -> str:
    """A FHIR base URL on loopback where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/fhir/R4"


@pytest.fixture
def ehr(settings, sandbox: Sandbox) -> Sandbox:
    """Point the copilot's settings at the sandbox EHR."""
    settings.FHIR_BASE_URL = sandbox.base_url
    return sandbox


def synthea(resource_type: str) -> list[dict]:
    """Every resource of one type in the shared Synthea export, as the sandbox loads it."""
    path = SHARED_DATA / "synthea-10" / f"{resource_type}.000.ndjson"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def chroma(settings, tmp_path) -> str:
    """An empty Chroma for this test's retrieval index: a new embedded folder, or, in
    the services suite (TEST_CHROMA_HOST), the Chroma server with every collection
    deleted and the per-process BM25 indexes dropped."""
    if not settings.CHROMA_HOST:
        settings.CHROMA_PATH = str(tmp_path / "chroma")
        return settings.CHROMA_PATH
    from copilot.retrieval.index import get_chroma
    from copilot.retrieval.lexical import lexical_cache

    server = get_chroma()
    for collection in server.list_collections():
        server.delete_collection(collection.name)
    lexical_cache.forget()
    return f"{settings.CHROMA_HOST}:{settings.CHROMA_PORT}"


@pytest.fixture
def clinician(db):
    """A signed-in-able clinician linked to the sandbox's Practitioner Mei Chen."""
    from tests.factories import ClinicianFactory

    return ClinicianFactory().user


@pytest.fixture(autouse=True)
def fresh_caseloads():
    """Caseloads cached by an earlier test (user ids are reused) are not this test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def new_client(sandbox_control) -> str:
    """A fresh Patient in the sandbox, so tests that write notes touch no shared chart,
    with an active CareTeam naming Mei Chen (the `clinician` fixture's Practitioner)."""
    patient = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": ["Test"], "family": "Client"}]}
    )
    sandbox_control.create(care_team(patient["id"], "pr-chen"))
    return patient["id"]


def care_team(client_id: str, *practitioner_ids: str) -> dict:
    """An active FHIR CareTeam for one client with these Practitioners as participants."""
    return {
        "resourceType": "CareTeam",
        "status": "active",
        "subject": {"reference": f"Patient/{client_id}"},
        "participant": [
            {"member": {"reference": f"Practitioner/{practitioner_id}"}}
            for practitioner_id in practitioner_ids
        ],
    }
