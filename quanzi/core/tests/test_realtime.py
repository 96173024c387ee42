"""core.realtime: the per-connection rate limiter, and the WebSocket stack of quanzi.asgi with a route registered
for the test (a login-only echo): the close code without a login, the session cookie and the bearer token."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from quanzi.accounts.services import token_create
from quanzi.core.realtime import CloseCode, QuanziJsonConsumer, RateLimiter, register_websocket


def test_rate_limiter_allows_the_burst_then_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=3, clock=lambda: now[0])
    assert [limiter.allow() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5  # one token back
    assert [limiter.allow(), limiter.allow()] == [True, False]
    now[0] += 100  # never more than the burst
    assert sum(limiter.allow() for _ in range(10)) == 3


class _Echo(QuanziJsonConsumer):
    actions = frozenset({"echo"})

    async def on_echo(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "echo", "user": str(self.user)})


@pytest.mark.django_db(transaction=True)
def test_login_required_route_closes_4401_and_accepts_a_bearer_token(member: Any) -> None:
    from quanzi.asgi import websocket_application

    register_websocket("ws/test/echo/", _Echo, name="core_test_echo")
    app = websocket_application()
    token = token_create(user=member)

    async def scenario() -> None:
        anonymous = WebsocketCommunicator(app, "/ws/test/echo/", headers=[(b"origin", b"http://testserver")])
        assert (await anonymous.connect())[0]
        assert (await anonymous.receive_json_from(timeout=3))["code"] == "not_authenticated"
        assert (await anonymous.receive_output(timeout=3)) == {"type": "websocket.close",
                                                                "code": CloseCode.NOT_AUTHENTICATED}
        app_client = WebsocketCommunicator(app, "/ws/test/echo/", headers=[(b"authorization",
                                                                             f"Bearer {token}".encode())])
        assert (await app_client.connect())[0]
        await app_client.send_to(text_data="not json")
        assert (await app_client.receive_json_from(timeout=3))["code"] == "bad_message"
        await app_client.send_json_to({"type": "echo"})
        assert (await app_client.receive_json_from(timeout=3)) == {"type": "echo", "user": str(member)}
        await app_client.disconnect()

    try:
        async_to_sync(scenario)()
    finally:
        from quanzi.core import realtime

        realtime._routes = [r for r in realtime._routes if r.name != "core_test_echo"]
