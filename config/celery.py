"""The Celery app: background work on Redis (`celery -A config worker`, `celery -A
config beat`).

Settings come from Django's, prefixed CELERY_ (config/settings/base.py). Without
REDIS_URL (one process, the embedded defaults) tasks run eagerly, in the caller.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("copilot")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
