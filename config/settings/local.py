"""Development: debug on, a fixed throw-away secret, the sandbox EHR."""

from .base import *  # noqa: F403
from .base import EHR_FRAME_ORIGINS, SELF, content_security_policy, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
EHR_DEMO_PAGE = env.bool("EHR_DEMO_PAGE", default=True)
CONTENT_SECURITY_POLICY = content_security_policy(
    [*EHR_FRAME_ORIGINS, *([SELF] if EHR_DEMO_PAGE else [])]  # the mock EHR page frames it
)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret")  # noqa: S105
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files straight from static/ (no collectstatic outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
