"""/healthz: every dependency the settings name is reached and reported, without login."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_it_is_ok_when_every_configured_dependency_answers(client, ehr, chroma, settings):
    response = client.get("/healthz")

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    redis = {"redis"} if settings.REDIS_URL else set()  # the services suite sets it
    assert set(body["checks"]) == {"database", "chroma", "ehr"} | redis
    assert body["checks"]["database"]["detail"] == connection.vendor
    server = f"server {settings.CHROMA_HOST}:{settings.CHROMA_PORT}"
    assert body["checks"]["chroma"]["detail"] == (server if settings.CHROMA_HOST else "embedded")
    assert "FHIR 4.0.1" in body["checks"]["ehr"]["detail"]
    assert all(c["ok"] and c["ms"] >= 0 for c in body["checks"].values())


def test_an_unreachable_ehr_makes_it_unavailable_and_says_which(client, settings, down_url, chroma):
    settings.FHIR_BASE_URL = down_url

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["ehr"]["ok"] is False
    assert body["checks"]["ehr"]["detail"].startswith("EhrUnavailable")
    assert body["checks"]["database"]["ok"] and body["checks"]["chroma"]["ok"]


def test_an_unreachable_redis_is_reported(client, ehr, settings, chroma):
    from tests.conftest import free_port

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"

    body = client.get("/healthz").json()

    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["detail"].startswith("ConnectionError")


def test_it_only_answers_get_and_head(client, ehr, chroma):
    assert client.post("/healthz").status_code == 405
