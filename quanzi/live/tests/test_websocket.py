"""Authorization of the live room's WebSocket (`ws/live/<id>/`) through the whole ASGI stack (quanzi.asgi: origin
check, session cookie or bearer token, the router): anonymous, a bad token, a non-member (public: may watch, not
comment; invite-only: not found), muted, banned, another merchant, an ended session, flooding; and the fan-out of a
comment to the other viewers. Close codes: quanzi/core/realtime.py (CloseCode)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.services import token_create
from quanzi.catalog.tests import factories as f
from quanzi.communities import services as communities
from quanzi.communities.enums import Role, Visibility
from quanzi.content.models import SensitiveWord
from quanzi.live import services
from quanzi.live.models import LivePin
from quanzi.live.tests.helpers import STREAM, session, world

pytestmark = pytest.mark.django_db(transaction=True)


def _app() -> Any:
    from quanzi.asgi import application

    return application


_COOKIES: dict[int, str] = {}


def _login(*users: Any) -> None:
    """Session cookies for these users (made before the async part: logging in touches the database)."""
    for user in users:
        client = Client()
        client.force_login(user)
        _COOKIES[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value


def _headers(user: Any = None, *, token: str = "", origin: str = "http://testserver") -> list[tuple[bytes, bytes]]:
    headers = [(b"host", b"testserver")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={_COOKIES[user.pk]}".encode()))
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    return headers


def _room(session_id: int, user: Any = None, **kwargs: Any) -> WebsocketCommunicator:
    return WebsocketCommunicator(_app(), f"/ws/live/{session_id}/", headers=_headers(user, **kwargs))


async def _closed_with(comm: WebsocketCommunicator) -> tuple[dict[str, Any], int]:
    """Connect, expect the error frame and the close; (error frame, close code)."""
    connected, _sub = await comm.connect()
    assert connected  # accepted first, so that the close carries its code
    frame = await comm.receive_json_from(timeout=3)
    closing = await comm.receive_output(timeout=3)
    assert closing["type"] == "websocket.close"
    return frame, closing["code"]


async def _frames_until(comm: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    while True:
        frame = await comm.receive_json_from(timeout=3)
        if frame["type"] == kind:
            return frame


def test_anonymous_bad_token_unknown_session_and_unknown_path_are_closed_with_their_code() -> None:
    w = world()
    s = session(w)
    _login(w.viewer)

    async def scenario() -> None:
        frame, code = await _closed_with(_room(s.pk))
        assert (frame["code"], code) == ("not_authenticated", 4401)
        frame, code = await _closed_with(_room(s.pk, token="not-a-token", origin=""))
        assert (frame["code"], code) == ("not_authenticated", 4401)
        frame, code = await _closed_with(_room(s.pk + 1000, w.viewer))
        assert (frame["code"], code) == ("live_session_not_found", 4404)
        frame, code = await _closed_with(WebsocketCommunicator(_app(), "/ws/nowhere/", headers=_headers(w.viewer)))
        assert (frame["code"], code) == ("not_found", 4404)

    async_to_sync(scenario)()


def test_a_foreign_origin_is_refused_at_the_handshake() -> None:
    w = world()
    s = session(w)

    _login(w.viewer)

    async def scenario() -> None:
        connected, _code = await _room(s.pk, w.viewer, origin="https://evil.example.com").connect()
        assert not connected

    async_to_sync(scenario)()


def test_an_app_client_joins_with_its_bearer_token_and_no_origin() -> None:
    w = world()
    s = session(w)

    async def scenario() -> None:
        comm = _room(s.pk, token=token, origin="")
        connected, _sub = await comm.connect()
        assert connected
        state = await comm.receive_json_from(timeout=3)
        assert state["type"] == "state" and state["status"] == "live" and state["online"] == 1
        await comm.disconnect()

    token = token_create(user=w.viewer)
    async_to_sync(scenario)()


def test_non_member_of_a_public_community_watches_but_may_not_comment() -> None:
    w = world()
    s = session(w)
    stranger = make_user("路人")
    _login(stranger)

    async def scenario() -> None:
        comm = _room(s.pk, stranger)
        assert (await comm.connect())[0]
        assert (await comm.receive_json_from(timeout=3))["type"] == "state"
        await comm.send_json_to({"type": "comment", "body": "你好"})
        error = await _frames_until(comm, "error")
        assert error["code"] == "not_member" and error["message"]
        await comm.disconnect()

    async_to_sync(scenario)()


def test_non_member_of_an_invite_only_community_is_not_told_it_exists() -> None:
    w = world(visibility=Visibility.INVITE)
    s = session(w)

    stranger = make_user("路人")
    _login(stranger)

    async def scenario() -> None:
        frame, code = await _closed_with(_room(s.pk, stranger))
        assert (frame["code"], code) == ("live_session_not_found", 4404)

    async_to_sync(scenario)()


def test_muted_member_is_refused_each_comment_even_on_an_open_connection() -> None:
    w = world()
    s = session(w)
    _login(w.viewer)

    async def scenario() -> None:
        comm = _room(s.pk, w.viewer)
        assert (await comm.connect())[0]
        await _frames_until(comm, "state")
        await comm.send_json_to({"type": "comment", "body": "第一条"})
        assert (await _frames_until(comm, "comment"))["body"] == "第一条"
        await mute()
        await comm.send_json_to({"type": "comment", "body": "第二条"})
        assert (await _frames_until(comm, "error"))["code"] == "muted"
        await comm.disconnect()

    from channels.db import database_sync_to_async

    @database_sync_to_async
    def mute() -> None:
        communities.member_mute(actor=w.owner, community=w.community, user_id=w.viewer.pk,
                                until=timezone.now() + dt.timedelta(hours=1), reason="刷屏")

    async_to_sync(scenario)()
    assert [c.body for c in s.comments.all()] == ["第一条"]


def test_banned_member_is_closed_with_4403() -> None:
    w = world()
    s = session(w)
    communities.member_ban(actor=w.owner, community=w.community, user_id=w.viewer.pk, reason="广告")
    _login(w.viewer)

    async def scenario() -> None:
        frame, code = await _closed_with(_room(s.pk, w.viewer))
        assert (frame["code"], code) == ("banned", 4403)

    async_to_sync(scenario)()


def test_another_merchant_may_not_pin_and_a_merchant_host_may_not_pin_another_merchants_product() -> None:
    w = world()
    s = session(w)
    rival = f.approved_merchant()
    f.add_member(w.community, rival.user)
    rival_product, _sku = f.product_with_sku(rival, title="竞品面霜")
    merchant_host = w.merchant.user
    f.add_member(w.community, merchant_host, Role.KOL)
    from quanzi.catalog import services as catalog

    catalog.shelf_add(user=w.host, community_id=w.community.pk, product_id=rival_product.pk)
    own = services.session_schedule(user=merchant_host, community_id=w.community.pk, title="品牌自播",
                                    stream_url=STREAM, scheduled_at=timezone.now())
    _login(rival.user, merchant_host)

    async def scenario() -> None:
        comm = _room(s.pk, rival.user)
        assert (await comm.connect())[0]
        await _frames_until(comm, "state")
        await comm.send_json_to({"type": "pin", "product_id": rival_product.pk, "live_price_fen": 100})
        assert (await _frames_until(comm, "error"))["code"] == "live_not_host"
        await comm.disconnect()
        host = _room(own.pk, merchant_host)
        assert (await host.connect())[0]
        await _frames_until(host, "state")
        await host.send_json_to({"type": "pin", "product_id": rival_product.pk})
        assert (await _frames_until(host, "error"))["code"] == "live_product_other_merchant"
        await host.send_json_to({"type": "pin", "product_id": w.product.pk, "live_price_fen": 9900})
        pinned = await _frames_until(host, "pinned")
        assert pinned["product_id"] == w.product.pk and pinned["live_price_fen"] == 9900
        await host.disconnect()

    async_to_sync(scenario)()
    assert list(LivePin.objects.values_list("session_id", "product_id")) == [(own.pk, w.product.pk)]


def test_an_ended_session_closes_the_room_with_4410_and_refuses_new_connections() -> None:
    w = world()
    s = session(w)
    _login(w.viewer)

    async def scenario() -> None:
        comm = _room(s.pk, w.viewer)
        assert (await comm.connect())[0]
        await _frames_until(comm, "state")
        await end()
        assert (await _frames_until(comm, "ended"))["type"] == "ended"
        closing = await comm.receive_output(timeout=3)
        assert closing == {"type": "websocket.close", "code": 4410}
        frame, code = await _closed_with(_room(s.pk, w.viewer))
        assert (frame["code"], code) == ("live_session_ended", 4410)

    from channels.db import database_sync_to_async

    @database_sync_to_async
    def end() -> None:
        services.session_end(user=w.host, session_id=s.pk)

    async_to_sync(scenario)()


def test_flooding_gets_rate_limited_frames_then_4429() -> None:
    w = world()
    s = session(w)
    _login(w.viewer)

    async def scenario() -> None:
        comm = _room(s.pk, w.viewer)
        assert (await comm.connect())[0]
        await _frames_until(comm, "state")
        for _ in range(40):
            await comm.send_json_to({"type": "like"})
        codes = []
        while True:
            output = await comm.receive_output(timeout=3)
            if output["type"] == "websocket.close":
                assert output["code"] == 4429
                break
            frame = json.loads(output["text"])
            if frame["type"] == "error":
                codes.append(frame["code"])
        assert codes.count("rate_limited") == 10  # max_strikes: the tenth is the close's own frame

    async_to_sync(scenario)()
    s.refresh_from_db()
    assert s.like_count == 8  # the burst went through, nothing after it


def test_a_comment_reaches_the_other_viewer_a_held_one_only_its_author() -> None:
    w = world()
    s = session(w)
    SensitiveWord.objects.create(word="加微信")
    _login(w.viewer, w.host)

    async def scenario() -> None:
        alice, bob = _room(s.pk, w.viewer), _room(s.pk, w.host)
        assert (await alice.connect())[0] and (await bob.connect())[0]
        await _frames_until(alice, "state")
        await _frames_until(bob, "state")
        await alice.send_json_to({"type": "comment", "body": "想要一瓶"})
        frame = await _frames_until(bob, "comment")
        assert (frame["body"], frame["user"], frame["held"]) == ("想要一瓶", str(w.viewer), False)
        await alice.send_json_to({"type": "comment", "body": "加微信更便宜"})
        held = await _frames_until(alice, "comment")
        while held["body"] != "加微信更便宜":
            held = await _frames_until(alice, "comment")
        assert held["held"] is True
        await alice.send_json_to({"type": "like"})
        assert (await _frames_until(bob, "likes"))["count"] == 1  # bob saw no held comment before the like
        await alice.disconnect()
        assert (await _frames_until(bob, "viewers"))["online"] == 1
        await bob.disconnect()

    async_to_sync(scenario)()
