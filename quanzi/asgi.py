"""The ASGI application: HTTP through Django (sync views unchanged), WebSockets through Channels.

Who serves what:
- `make demo` / `manage.py serve`: daphne's runserver (daphne is first in INSTALLED_APPS) serves both HTTP and
  WebSockets from this application, one process, the in-memory channel layer.
- production (`manage.py prod`, docs/deploy.md): HTTP stays on gunicorn's WSGI workers (quanzi/wsgi.py: the
  flash-sale edge is WSGI middleware, and gthread workers are what the HTTP benchmarks measured); a daphne
  process serves this application for `/ws/` only, beside gunicorn, on the Redis channel layer. The HTTP branch
  here is complete all the same (a deployment that routes everything to daphne works, minus the flash-sale edge,
  whose requests then take the normal API path with the same answers).

WebSocket stack, outermost first: the origin check (a browser's `Origin` must be one of ALLOWED_HOSTS: no
cross-site page can use a member's cookie; a client that sends no Origin is not a browser and must bring a token),
the session cookie and the user (channels' AuthMiddlewareStack), then `BearerTokenMiddleware` (an app client's
`Authorization: Bearer <token>` header, the API's tokens: quanzi/api_auth.py), then the routes the real-time apps
registered (quanzi/core/realtime.py).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzi.settings")
django_asgi_app = get_asgi_application()  # sets Django up (apps' ready() fill the WebSocket registry) first

from channels.auth import AuthMiddlewareStack  # noqa: E402  (these need the settings and apps loaded above)
from channels.db import database_sync_to_async  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from quanzi.accounts.services import token_user  # noqa: E402
from quanzi.core.realtime import UnknownRouteConsumer, websocket_routes  # noqa: E402
from quanzi.core.search import warm_up  # noqa: E402

Scope = dict[str, Any]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


class BearerTokenMiddleware:
    """`Authorization: Bearer <token>` on the handshake (an app client; WeChat's `wx.connectSocket` sends headers)
    signs the connection in as the token's user, as the API's TokenAuth does. A header with a token that does not
    authenticate leaves the connection anonymous even with a session cookie: the client meant the token."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        auth = _header(scope, b"authorization")
        if auth.startswith("Bearer "):
            from django.contrib.auth.models import AnonymousUser

            user = await database_sync_to_async(token_user)(auth[7:].strip())
            scope = {**scope, "user": user if user is not None else AnonymousUser()}
        return await self.inner(scope, receive, send)


class BrowserOriginValidator:
    """A browser always sends `Origin` on a WebSocket handshake: it must be an allowed host (else the handshake is
    refused with 403). No Origin at all is a native client, which cannot ride a member's cookies."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.checked = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if _header(scope, b"origin"):
            return await self.checked(scope, receive, send)
        return await self.inner(scope, receive, send)


def websocket_application() -> Any:
    routes = [path(r.path, r.consumer.as_asgi(), name=r.name) for r in websocket_routes()]
    routes.append(re_path(r"", UnknownRouteConsumer.as_asgi()))  # any other path: closed with 4404
    return BrowserOriginValidator(AuthMiddlewareStack(BearerTokenMiddleware(URLRouter(routes))))


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application()})

# a serving process loads the search dictionary at start, not on its first search (quanzi/core/search.py)
warm_up()
