"""The registry of WebSocket routes: each real-time app adds its consumers in its `AppConfig.ready()`.

`quanzi/asgi.py` builds the WebSocket router from this list, so core and the project module never import the apps
that serve WebSockets (live rooms, chat, notifications), and a new real-time app plugs in without touching them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WebSocketRoute:
    path: str  # a django.urls.path() pattern, e.g. "ws/live/<int:session_id>/"
    consumer: Any  # a channels consumer class (its .as_asgi() is called by quanzi/asgi.py)
    name: str


_routes: list[WebSocketRoute] = []


def register_websocket(path: str, consumer: Any, *, name: str) -> None:
    """Add a WebSocket route; registering the same name twice replaces it (ready() may run twice in tests)."""
    global _routes
    _routes = [r for r in _routes if r.name != name]
    _routes.append(WebSocketRoute(path=path, consumer=consumer, name=name))


def websocket_routes() -> list[WebSocketRoute]:
    return list(_routes)
