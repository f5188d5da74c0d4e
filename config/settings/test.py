"""Tests: fast hashing, plain static storage; the EHR URL is set by tests/conftest.py."""

import tempfile

from .base import *  # noqa: F403

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
CHROMA_PATH = tempfile.mkdtemp(prefix="copilot-chroma-")
CHROMA_HOST = ""
EHR_WEBHOOK_SECRET = "test-webhook-secret"  # noqa: S105
