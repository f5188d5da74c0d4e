"""Settings shared by every environment.

Every key is read once here from the environment (django-environ); see
`.env.example` for what each variable means. Defaults need no services: SQLite,
the in-memory channel layer and the sandbox EHR on loopback.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# An empty variable means "not set" (a .env copied from .env.example leaves most empty):
# without this, DATABASE_URL= would select Django's dummy database instead of SQLite.
for _name in [name for name, value in os.environ.items() if value == ""]:
    del os.environ[_name]

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "csp",
    "rest_framework",
    "template_partials",
    "auditlog",
    "copilot",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise and the session/CSRF middleware: every response gets the CSP, and
    # the cookies those set are partitioned when they are SameSite=None.
    "csp.middleware.CSPMiddleware",
    "copilot.web.cookies.PartitionedCookieMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "copilot.accounts.middleware.smart_ehr_access",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "copilot.access.http.AccessDenialLogMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, no longer than the
            # layer's blocking receive (BZPOPMIN, 5 s): idle consumers were torn down
            # (django/channels_redis#422). 30 s still notices a dead Redis.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- EHR (FHIR R4) -------------------------------------------------------------
FHIR_BASE_URL = env.str("FHIR_BASE_URL", default="http://127.0.0.1:8090/fhir/R4")
FHIR_BEARER_TOKEN = env.str("FHIR_BEARER_TOKEN", default="")
FHIR_TIMEOUT_SECONDS = env.float("FHIR_TIMEOUT_SECONDS", default=10.0)
CHART_NOTES_COUNT = env.int("CHART_NOTES_COUNT", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Presidio logs each chart-seeded recognizer of every request at INFO.
    "loggers": {"presidio-analyzer": {"level": "WARNING"}},
}

# --- EHR webhook (POST /api/ehr/webhook, HMAC-SHA256 signed) ------------------
EHR_WEBHOOK_SECRET = env.str("EHR_WEBHOOK_SECRET", default="")  # empty: webhook refuses all
EHR_WEBHOOK_TOLERANCE_SECONDS = env.int("EHR_WEBHOOK_TOLERANCE_SECONDS", default=300)

# --- Retrieval (per-client Chroma index) ---------------------------------------
CHROMA_PATH = env.str("CHROMA_PATH", default="") or str(BASE_DIR / "var" / "chroma")
CHROMA_HOST = env.str("CHROMA_HOST", default="")  # set: use a Chroma server instead
CHROMA_PORT = env.int("CHROMA_PORT", default=8000)

# --- Sign-in: OpenID Connect (mozilla-django-oidc, copilot/accounts/oidc.py) ----
# Clinicians sign in at the provider; Django's password form is the admin site's only.
AUTHENTICATION_BACKENDS = [
    "copilot.accounts.oidc.ClinicianOIDCBackend",
    "copilot.accounts.oidc.StaffPasswordBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "client-picker"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/failed/"  # a path: used as is
LOGOUT_REDIRECT_URL = "/"
# Default: the sandbox's OpenID provider (`make demo`). Empty OIDC_OP_* endpoints are
# read from {OIDC_OP_ISSUER}/.well-known/openid-configuration.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="http://127.0.0.1:8090/oidc")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="copilot")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile fhirUser roles")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="roles")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)  # seconds, each call to the provider
OIDC_LEEWAY_SECONDS = env.int("OIDC_LEEWAY_SECONDS", default=30)  # clock skew on exp/iat
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_OP_LOGOUT_URL_METHOD = "copilot.accounts.oidc.provider_logout_url"

# --- SMART on FHIR EHR launch (/smart/launch?iss=…&launch=…) --------------------
SMART_ALLOWED_ISSUERS = env.list("SMART_ALLOWED_ISSUERS", default=[FHIR_BASE_URL])
SMART_CLIENT_ID = env.str("SMART_CLIENT_ID", default="copilot-smart")
SMART_CLIENT_SECRET = env.str("SMART_CLIENT_SECRET", default="")
SMART_SCOPES = env.str("SMART_SCOPES", default="launch patient/*.read")

# --- Access: caseloads (copilot.access) ----------------------------------------
# How long one user's caseload from the EHR's CareTeams is kept (it is read on
# every request and websocket message); admin-made assignments count at once.
CASELOAD_CACHE_SECONDS = env.int("CASELOAD_CACHE_SECONDS", default=60)
# While the EHR is unavailable, the last caseload read (at most this old) stands in.
CASELOAD_STALE_SECONDS = env.int("CASELOAD_STALE_SECONDS", default=3600)

# --- Idle timeout --------------------------------------------------------------
# A session ends after this long without a request or a websocket message; every
# request and message moves the expiry on, and idle sockets are closed.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=15)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# --- Embedding in the EHR ------------------------------------------------------
# Origins of the EHR pages allowed to frame the sidebar (CSP frame-ancestors), e.g.
# https://ehr.example.org. None: no page may frame it (the mock EHR page adds 'self').
EHR_FRAME_ORIGINS = env.list("EHR_FRAME_ORIGINS", default=[])
# Origins (or host names) the sidebar's own pages are served from: a websocket whose
# Origin header is missing or not one of these is refused before it is accepted.
SIDEBAR_ORIGINS = env.list("SIDEBAR_ORIGINS", default=[]) or ALLOWED_HOSTS
# Session and CSRF cookies `SameSite=None; Secure; Partitioned`, as an EHR iframe on
# another site needs. Always on in production; over plain http only browsers that
# treat the host as secure (localhost) keep them.
CROSS_SITE_COOKIES = env.bool("CROSS_SITE_COOKIES", default=False)
if CROSS_SITE_COOKIES:
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True


def _origins(*urls: str) -> list[str]:
    """The distinct scheme://host[:port] origins of the non-empty `urls`."""
    found = (urlsplit(url) for url in urls if url)
    return sorted({f"{part.scheme}://{part.netloc}" for part in found if part.netloc})


# Forms post to our own origin; Sign out's POST then redirects to the OpenID provider's
# end_session endpoint, which form-action must allow too (browsers check redirects).
FORM_ACTION_ORIGINS = _origins(OIDC_OP_ISSUER, OIDC_OP_LOGOUT_ENDPOINT)


def content_security_policy(frame_ancestors: list[str]) -> dict:
    """django-csp 4 policy: scripts, styles and connections (the websocket) from our own
    origin only (no inline script or style, no eval), no plugins, no <base>, forms to
    our own origin and the OpenID provider's, and framing only by `frame_ancestors`
    ('none' when empty)."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF],
            "connect-src": [SELF],
            "frame-src": [SELF],
            "form-action": [SELF, *FORM_ACTION_ORIGINS],
            "object-src": [NONE],
            "base-uri": [NONE],
            "frame-ancestors": frame_ancestors or [NONE],
        }
    }


# --- Drafting ------------------------------------------------------------------
DRAFT_ENGINE = env.str("DRAFT_ENGINE", default="grounded")  # grounded | llm
# Load the grounded engine's models when daphne starts (copilot.drafting.warmup), not on the
# first draft.
DRAFT_WARM_UP = env.bool("DRAFT_WARM_UP", default=True)
DRAFT_INPUT_MAX_CHARS = env.int("DRAFT_INPUT_MAX_CHARS", default=60_000)
NOTE_TEMPLATES_FILE = env.str("NOTE_TEMPLATES_FILE", default="")
# Treatment plans are reviewed every this many days (flag: "Plan review overdue").
PLAN_REVIEW_DAYS = env.int("PLAN_REVIEW_DAYS", default=90)
# Canonical URLs of the Questionnaires whose responses are intakes (empty: any).
INTAKE_QUESTIONNAIRES = env.list(
    "INTAKE_QUESTIONNAIRES", default=["http://example.org/fhir/Questionnaire/bh-intake"]
)
LLM_PROVIDER = env.str(
    "LLM_PROVIDER", default=""
)  # openai | azure_openai | anthropic | openai_compatible
LLM_MODEL = env.str("LLM_MODEL", default="")
LLM_BASE_URL = env.str("LLM_BASE_URL", default="")
LLM_API_KEY = env.str("LLM_API_KEY", default="")
LLM_API_VERSION = env.str("LLM_API_VERSION", default="2024-10-21")
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=30.0)
LLM_MAX_RETRIES = env.int("LLM_MAX_RETRIES", default=2)
LLM_TEMPERATURE = env.float("LLM_TEMPERATURE", default=0.2)

# --- PHI protection (copilot.deid) ---------------------------------------------
# Providers on the practice's own machines (prompts not de-identified); any other,
# and openai / azure_openai / anthropic always, count as external.
LLM_LOCAL_PROVIDERS = env.list("LLM_LOCAL_PROVIDERS", default=[])
DEID_DATES = env.str("DEID_DATES", default="placeholder")  # placeholder | shift
DEID_DATE_SHIFT_MAX_DAYS = env.int("DEID_DATE_SHIFT_MAX_DAYS", default=30)

# --- Chart Q&A (copilot.qa) ----------------------------------------------------
QA_ENGINE = env.str("QA_ENGINE", default="grounded")  # grounded | llm
QA_QUESTION_MAX_CHARS = env.int("QA_QUESTION_MAX_CHARS", default=1_000)
QA_TOP_K = env.int("QA_TOP_K", default=6)
# How long the sidebar answers questions from one chart read before reading it again.
QA_CHART_MAX_AGE_SECONDS = env.int("QA_CHART_MAX_AGE_SECONDS", default=60)
QA_HISTORY_TURNS = env.int("QA_HISTORY_TURNS", default=50)

# --- Write-back outbox ---------------------------------------------------------
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=5.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=300.0)
OUTBOX_POLL_SECONDS = env.float("OUTBOX_POLL_SECONDS", default=5.0)

# Background work (Celery on the Redis broker): the outbox sweep every
# OUTBOX_POLL_SECONDS (beat), EHR webhook reindexing, group-session member notes and
# pre-drafts. Without REDIS_URL the tasks run in the caller: the webhook indexes and
# pre-drafts within its request, a group session drafts within the facilitator's.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "copilot.outbox_sweep", "schedule": OUTBOX_POLL_SECONDS},
    "inbox-escalate": {"task": "copilot.inbox_escalate", "schedule": 60.0},
    "inbox-outreach": {"task": "copilot.inbox_outreach", "schedule": 3600.0},
}

# Pre-drafts (copilot.review.predraft): on appointment.completed, the sidebar notes a
# clinician typed for the client within this many hours, and has not drafted yet, are
# drafted at once.
PREDRAFT_WINDOW_HOURS = env.float("PREDRAFT_WINDOW_HOURS", default=12.0)

# Secure-message inbox (copilot.inbox): who the practice is in drafted messages, when an
# unacknowledged urgent message goes to a supervisor, and which outreach kinds are sent
# without a clinician's approval ("reminder", "follow_up", "welcome"; none by default).
PRACTICE_NAME = env.str("PRACTICE_NAME", default="Riverside Behavioral Health")
PRACTICE_PHONE = env.str("PRACTICE_PHONE", default="(555) 010-2000")
CRISIS_LINE = env.str("CRISIS_LINE", default="988 (Suicide & Crisis Lifeline)")
INBOX_ESCALATION_MINUTES = env.float("INBOX_ESCALATION_MINUTES", default=15.0)
INBOX_AUTO_SEND = env.list("INBOX_AUTO_SEND", default=[])
REMINDER_HOURS_BEFORE = env.float("REMINDER_HOURS_BEFORE", default=48.0)
FOLLOW_UP_HOURS_AFTER = env.float("FOLLOW_UP_HOURS_AFTER", default=24.0)

# Claims (copilot.claims): practice modifiers by rendering Practitioner id (HCPCS Level
# II: HO master's level, HN bachelor's level, AJ clinical social worker), e.g.
# CLAIM_MODIFIERS=pr-okafor:AJ,pr-patel:HO (several: pr-x:HO;HN).
CLAIM_MODIFIERS = {
    practitioner: tuple(m for m in modifiers.split(";") if m)
    for practitioner, _, modifiers in (
        item.partition(":") for item in env.list("CLAIM_MODIFIERS", default=[])
    )
}

# A development page that frames the sidebar as an EHR would (/ehr-demo/<client>/).
EHR_DEMO_PAGE = env.bool("EHR_DEMO_PAGE", default=DEBUG)

# --- Audit ledger (copilot.audit) ------------------------------------------------
# Fernet keys (comma-separated, newest first) encrypting ledger content at rest;
# unset: a key derived from SECRET_KEY (development only; production requires keys).
AUDIT_ENCRYPTION_KEYS = env.list("AUDIT_ENCRYPTION_KEYS", default=[])

CONTENT_SECURITY_POLICY = content_security_policy(
    [*EHR_FRAME_ORIGINS, *([SELF] if EHR_DEMO_PAGE else [])]
)
