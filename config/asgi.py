"""ASGI entry point for daphne: HTTP through Django, websockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from copilot.accounts.middleware import SmartEhrAccessMiddleware  # noqa: E402
from copilot.drafting.warmup import warm_up_in_background  # noqa: E402
from copilot.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # A websocket whose Origin is missing or not the sidebar's own is refused
        # before any consumer runs (cross-site websocket hijacking).
        "websocket": OriginValidator(
            AuthMiddlewareStack(SmartEhrAccessMiddleware(URLRouter(websocket_urlpatterns))),
            settings.SIDEBAR_ORIGINS,
        ),
    }
)

if settings.DRAFT_WARM_UP:
    warm_up_in_background()
