"""The sidebar's websocket (`/ws/sidebar/<client id>/`), one per open sidebar."""

from .sidebar import SidebarConsumer

__all__ = ["SidebarConsumer"]
