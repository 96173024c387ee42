"""The WebSocket of a member's notices, through the project's real ASGI application (session cookie, token,
origin check): anonymous connections are closed with 4401, a member receives their own notices (pushed after the
commit, with the unread count) and nobody else's."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from conftest import make_user
from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create, token_create
from quanzi.core.messages import msg
from quanzi.core.realtime import CloseCode

pytestmark = pytest.mark.django_db(transaction=True)


def _app() -> Any:
    from quanzi.asgi import application

    return application


def _cookie(user: Any) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


def _notice(user: Any, number: str = "Q1") -> None:
    notification_create(recipient=user, kind=NotificationKind.ORDER, url="/orders/1/",
                        message=msg("notify.order_delivered", n=number))


def test_anonymous_is_closed_with_4401() -> None:
    async def run() -> None:
        comm = WebsocketCommunicator(_app(), "/ws/notify/")
        connected, _sub = await comm.connect()
        assert connected  # accepted first, so the client sees the code
        frame = await comm.receive_json_from()
        assert frame["type"] == "error" and frame["code"] == "not_authenticated"
        closed = await comm.receive_output()
        assert closed == {"type": "websocket.close", "code": CloseCode.NOT_AUTHENTICATED}

    async_to_sync(run)()


def test_a_bad_token_is_anonymous_even_with_a_cookie() -> None:
    user = make_user("令牌")
    headers = [*_cookie(user), (b"authorization", b"Bearer not-a-token")]

    async def run() -> None:
        comm = WebsocketCommunicator(_app(), "/ws/notify/", headers=headers)
        await comm.connect()
        assert (await comm.receive_json_from())["code"] == "not_authenticated"
        assert (await comm.receive_output())["code"] == 4401

    async_to_sync(run)()


def test_a_cross_site_page_is_refused() -> None:
    user = make_user("跨站")
    headers = [*_cookie(user), (b"origin", b"https://evil.example")]

    async def run() -> None:
        comm = WebsocketCommunicator(_app(), "/ws/notify/", headers=headers)
        connected, _sub = await comm.connect()
        assert not connected

    async_to_sync(run)()


def test_member_receives_own_notice_live_and_nobody_else_does() -> None:
    alice, bob = make_user("爱丽丝"), make_user("鲍勃")
    alice_cookie, bob_cookie = _cookie(alice), _cookie(bob)

    async def run() -> None:
        a = WebsocketCommunicator(_app(), "/ws/notify/", headers=alice_cookie)
        b = WebsocketCommunicator(_app(), "/ws/notify/", headers=bob_cookie)
        assert (await a.connect())[0] and (await b.connect())[0]
        assert (await a.receive_json_from())["type"] == "ready"
        assert (await b.receive_json_from())["type"] == "ready"
        await database_sync_to_async(_notice)(alice, "Q777")
        frame = await a.receive_json_from(timeout=3)
        assert frame["type"] == "notice" and frame["kind"] == "order" and frame["unread"] == 1
        assert "Q777" in frame["text"] and frame["url"] == "/orders/1/"
        assert await b.receive_nothing(timeout=0.3)
        await a.disconnect()
        await b.disconnect()

    async_to_sync(run)()


def test_token_client_receives_in_its_language() -> None:
    user = make_user("应用")
    token = token_create(user=user)

    async def run() -> None:
        headers = [(b"authorization", f"Bearer {token}".encode()), (b"accept-language", b"en")]
        comm = WebsocketCommunicator(_app(), "/ws/notify/", headers=headers)
        assert (await comm.connect())[0]
        assert (await comm.receive_json_from())["type"] == "ready"
        await database_sync_to_async(_notice)(user, "Q9")
        frame = await comm.receive_json_from(timeout=3)
        assert "Q9" in frame["text"]
        await comm.disconnect()

    async_to_sync(run)()


def test_the_client_only_listens() -> None:
    user = make_user("只听")
    cookie = _cookie(user)

    async def run() -> None:
        comm = WebsocketCommunicator(_app(), "/ws/notify/", headers=cookie)
        await comm.connect()
        await comm.receive_json_from()
        await comm.send_json_to({"type": "subscribe", "user_id": 1})
        frame = await comm.receive_json_from()
        assert frame == {"type": "error", "code": "bad_message", "message": frame["message"]}
        await comm.disconnect()

    async_to_sync(run)()
