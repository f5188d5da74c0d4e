"""Websocket routes (Channels). Drafting and chat consumers are added here."""

websocket_urlpatterns: list = []
