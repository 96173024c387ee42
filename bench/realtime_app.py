"""The ASGI application bench/realtime.py serves with daphne: quanzi's (quanzi.asgi) plus an echo route, the
baseline. The live room's per-connection rate limit (a product rule: 2 frames a second) is lifted in this server
only, so the bench measures what the server and the channel layer can carry, not the limit."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzi.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from quanzi.core.realtime import QuanziJsonConsumer, register_websocket  # noqa: E402
from quanzi.live.consumers import LiveRoomConsumer  # noqa: E402


class EchoConsumer(QuanziJsonConsumer):
    """Sends each frame back: one frame in, one out, the same stack (origin, auth, JSON, limiter) as a room."""

    login_required = False
    actions = frozenset({"echo"})
    message_rate = 1e9
    message_burst = 10**9

    async def on_echo(self, content: dict[str, Any]) -> None:
        await self.send_json(content)


LiveRoomConsumer.message_rate = 1e9
LiveRoomConsumer.message_burst = 10**9
register_websocket("ws/bench/echo/", EchoConsumer, name="bench_echo")

from quanzi.asgi import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_app, "websocket": websocket_application()})
