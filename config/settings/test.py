"""Tests: fast hashing, plain static storage; the EHR URL is set by tests/conftest.py."""

import tempfile

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SIDEBAR_ORIGINS = ALLOWED_HOSTS
# Serve static files straight from static/ (no collectstatic outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A throw-away index folder per test run; tests that index use the `chroma` fixture.
# The services suite (make test-services) names a Chroma server instead, which the
# fixture empties before each test; the database and Redis come from DATABASE_URL
# and REDIS_URL as in production (Django creates and drops its own test database).
CHROMA_PATH = tempfile.mkdtemp(prefix="copilot-chroma-")
CHROMA_HOST = env.str("TEST_CHROMA_HOST", default="")
CHROMA_PORT = env.int("TEST_CHROMA_PORT", default=8000)
EHR_WEBHOOK_SECRET = "test-webhook-secret"  # noqa: S105
# Tasks run in the caller, as without a queue, even where the services suite sets
# REDIS_URL; the test of the queue itself starts a worker on Redis and turns this off.
CELERY_TASK_ALWAYS_EAGER = True
