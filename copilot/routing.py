"""Websocket routes (Channels)."""

from django.urls import re_path

from copilot.web.consumers import SidebarConsumer

websocket_urlpatterns = [
    re_path(r"^ws/sidebar/(?P<client_id>[A-Za-z0-9\-\.]{1,64})/$", SidebarConsumer.as_asgi()),
]
