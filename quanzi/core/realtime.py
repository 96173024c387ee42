"""The registry of WebSocket routes: each real-time app adds its consumers in its `AppConfig.ready()`.

`quanzi/asgi.py` builds the WebSocket router from this list, so core and the project module never import the apps
that serve WebSockets (live rooms, chat, notifications), and a new real-time app plugs in without touching them.

Below the registry: the conventions every consumer shares — `QuanziJsonConsumer` (JSON frames, the login check,
`authorize()`, error frames, a per-connection `RateLimiter`), the `CloseCode`s a connection ends with, and
`group_send` / `group_send_on_commit` for services that push to a room. docs/notes/live.md has the whole picture.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from quanzi.core.errors import DomainError


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


# --- the conventions every consumer follows (docs/notes/live.md, "Close codes") ----------------------------------



class CloseCode(IntEnum):
    """The close codes quanzi's WebSockets end with (4000–4999 is the range RFC 6455 leaves to applications; each
    mirrors the HTTP status a page would answer). The connection is accepted first and then closed, so the client
    sees the code (a refusal during the handshake only shows a browser 1006); an `error` frame with the code and a
    message in the member's language comes just before the close."""

    NORMAL = 1000
    NOT_AUTHENTICATED = 4401  # no valid session cookie and no valid `Authorization: Bearer <token>`
    FORBIDDEN = 4403  # signed in but may not use this route (banned, not the merchant's staff …)
    NOT_FOUND = 4404  # the room does not exist, or the member may not even see it (existence is not leaked)
    GONE = 4410  # the room is closed for good (a live session that has ended)
    RATE_LIMITED = 4429  # kept sending after being told to slow down (`rate_limited` error frames)


_STATUS_CLOSE = {401: CloseCode.NOT_AUTHENTICATED, 403: CloseCode.FORBIDDEN, 404: CloseCode.NOT_FOUND,
                 410: CloseCode.GONE, 429: CloseCode.RATE_LIMITED}


class Refuse(Exception):
    """Raised by `authorize()` to close the connection with `close_code` after an error frame."""

    def __init__(self, close_code: CloseCode, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.close_code = close_code
        self.code = code
        self.message = message


class RateLimiter:
    """A token bucket per connection: `burst` messages at once, refilled at `rate` per second. In memory: it
    limits one connection; a member opening many connections is bounded by the per-member limits of the services
    (e.g. comments) and by the proxy's connection limits."""

    def __init__(self, *, rate: float, burst: int, clock: Any = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.clock = clock
        self.stamp = clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _language_of(scope: dict[str, Any]) -> str:
    """The language a page would use for this client: the language cookie, else Accept-Language, else the site's."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    cookies = scope.get("cookies") or {}
    candidates = [cookies.get(settings.LANGUAGE_COOKIE_NAME, "")]
    candidates += [lang for lang, _q in parse_accept_lang_header(
        headers.get("accept-language", ""))]
    for lang in candidates:
        if lang and lang != "*":
            try:
                return translation.get_supported_language_variant(lang)
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


class QuanziJsonConsumer(AsyncJsonWebsocketConsumer):
    """The base of every quanzi consumer: JSON frames `{"type": ..., ...}` both ways.

    - connect: accept, then refuse with a close code (above) when the route needs a login and there is none, or
      when `authorize()` raises `Refuse` or a `DomainError` (its HTTP status picks the code); else `joined()`.
    - receive: frames over `max_frame_chars`, unparsable JSON or an unknown `type` answer an `error` frame
      (`bad_message`); each frame spends a token of the connection's `RateLimiter` — without one the answer is
      an `error` frame `rate_limited`, and after `max_strikes` of those the connection is closed with 4429.
      A frame `{"type": "x"}` calls `on_x(content)` when `x` is in `actions`; a `DomainError` it raises becomes
      an `error` frame with the service's code and message (nothing changed).
    - error frames: `{"type": "error", "code": "...", "message": "..."}`, in the member's language.
    """

    login_required = True
    actions: frozenset[str] = frozenset()
    message_rate = 2.0  # frames per second, sustained
    message_burst = 8
    max_strikes = 10
    max_frame_chars = 4000

    user: Any
    refused: bool = False

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.language = _language_of(self.scope)
        self.limiter = RateLimiter(rate=self.message_rate, burst=self.message_burst)
        self.strikes = 0
        await self.accept()  # first: a refusal after the handshake reaches the client with its close code
        with translation.override(self.language):
            try:
                if self.login_required and not (self.user is not None and self.user.is_authenticated):
                    raise Refuse(CloseCode.NOT_AUTHENTICATED, "not_authenticated", _("请先登录"))
                await self.authorize()
            except Refuse as refusal:
                await self.refuse(refusal.close_code, refusal.code, refusal.message)
                return
            except DomainError as exc:
                await self.refuse(_STATUS_CLOSE.get(exc.status, CloseCode.FORBIDDEN), exc.code, str(exc.message))
                return
            await self.joined()

    async def authorize(self) -> None:
        """Resolve the route's objects and check the member may use it; raise `Refuse` or a `DomainError`."""

    async def joined(self) -> None:
        """After a successful connect: join groups, send the first state."""

    async def refuse(self, close_code: CloseCode, code: str, message: str) -> None:
        self.refused = True
        await self.send_json({"type": "error", "code": code, "message": message})
        await self.close(code=int(close_code))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if self.refused:
            return
        with translation.override(self.language):
            if not self.limiter.allow():
                self.strikes += 1
                if self.strikes >= self.max_strikes:
                    await self.refuse(CloseCode.RATE_LIMITED, "rate_limited", _("发送太频繁，连接已断开"))
                else:
                    await self.send_error("rate_limited", _("发送太频繁，请稍后再试"))
                return
            content: Any = None
            if text_data is not None and len(text_data) <= self.max_frame_chars:
                try:
                    content = json.loads(text_data)
                except ValueError:
                    content = None
            kind = content.get("type") if isinstance(content, dict) else None
            if not isinstance(kind, str) or kind not in self.actions:
                await self.send_error("bad_message", _("无法识别的消息"))
                return
            try:
                await getattr(self, f"on_{kind}")(content)
            except DomainError as exc:
                await self.send_error(exc.code, str(exc.message))


class UnknownRouteConsumer(QuanziJsonConsumer):
    """The router's last route: a path no app registered is closed with 4404 (instead of a server error)."""

    login_required = False

    async def authorize(self) -> None:
        raise Refuse(CloseCode.NOT_FOUND, "not_found", _("地址不存在"))


def group_send(group: str, event: dict[str, Any]) -> None:
    """Send `event` (`{"type": "handler.name", ...}`) to every consumer in `group`, from sync code (a service)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, event)
        return
    # sync code called in a thread that runs an event loop (a browser test's Playwright thread): async_to_sync
    # refuses to block that loop, so the send runs in a thread of its own
    sender = threading.Thread(target=async_to_sync(layer.group_send), args=(group, event), daemon=True)
    sender.start()
    sender.join(timeout=5)


def group_send_on_commit(group: str, event: dict[str, Any]) -> None:
    """`group_send` after the current transaction commits (the rule for side effects leaving the database): a
    rolled-back comment is never shown."""
    transaction.on_commit(lambda: group_send(group, event))


__all__ = ["CloseCode", "QuanziJsonConsumer", "RateLimiter", "Refuse", "UnknownRouteConsumer", "database_sync_to_async", "group_send",
           "group_send_on_commit", "register_websocket", "websocket_routes"]
