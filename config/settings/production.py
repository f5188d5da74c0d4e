"""Production: a real secret is required; HTTPS assumed behind the load balancer."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AUDIT_ENCRYPTION_KEYS, SECRET_KEY, env

if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY for production.")
if not AUDIT_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set AUDIT_ENCRYPTION_KEYS (a Fernet key: python -c 'from cryptography.fernet "
        "import Fernet; print(Fernet.generate_key().decode())') for production."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The sidebar lives in the EHR's iframe on another site: its session and CSRF cookies
# must be sent there (SameSite=None; Secure), and are Partitioned (CHIPS) by
# copilot.web.cookies.PartitionedCookieMiddleware.
SESSION_COOKIE_SAMESITE = "None"
CSRF_COOKIE_SAMESITE = "None"

SILENCED_SYSTEM_CHECKS = [
    # X-Frame-Options cannot name the EHR's origin; CSP frame-ancestors (EHR_FRAME_ORIGINS) does.
    "security.W002",
]
