"""The chat WebSocket `/ws/chat/<id>/` through the real ASGI stack (quanzi.asgi: the token middleware, the router
the apps fill): who may connect (anonymous 4401, someone not in the conversation 4403, a blocked pair 4403, an
agent of another shop 4403, no such conversation 4404), and what a connected participant may send."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from conftest import make_user
from quanzi.accounts.services import token_create
from quanzi.chat import services
from quanzi.chat.enums import WhoCanMessage
from quanzi.chat.models import Message
from quanzi.chat.tests.conftest import make_shop

pytestmark = pytest.mark.django_db(transaction=True)


def _app() -> Any:
    from quanzi.asgi import application

    return application


def auth(user: Any = None) -> list[tuple[bytes, bytes]]:
    """The handshake headers of an app client signed in as `user` (made before the event loop: it writes a token)."""
    return [(b"authorization", f"Bearer {token_create(user=user)}".encode())] if user is not None else []


def _communicator(conversation_id: int, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    return WebsocketCommunicator(_app(), f"/ws/chat/{conversation_id}/", headers=headers)


async def _refused_with(comm: WebsocketCommunicator) -> tuple[str, int]:
    connected, _sub = await comm.connect()
    assert connected  # accepted first, then closed with the code (a browser sees the code that way)
    frame = await comm.receive_json_from(timeout=5)
    assert frame["type"] == "error"
    closed = await comm.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    await comm.wait()
    return frame["code"], closed["code"]


def refusal(conversation_id: int, user: Any = None) -> tuple[str, int]:
    headers = auth(user)

    async def run() -> tuple[str, int]:
        return await _refused_with(_communicator(conversation_id, headers))

    return async_to_sync(run)()


def test_anonymous_is_closed_with_4401() -> None:
    alice, bob = make_user("阿丽"), make_user("阿博")
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    assert refusal(conv.pk) == ("not_authenticated", 4401)


def test_someone_not_in_the_conversation_is_closed_with_4403() -> None:
    alice, bob, eve = make_user("阿丽"), make_user("阿博"), make_user("伊芙")
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    assert refusal(conv.pk, eve) == ("not_participant", 4403)
    assert refusal(conv.pk + 1000, alice) == ("conversation_not_found", 4404)


def test_a_blocked_pair_is_closed_with_4403() -> None:
    alice, bob = make_user("阿丽"), make_user("阿博")
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="hi")
    services.block(user=bob, target_id=alice.pk)
    assert refusal(conv.pk, alice) == ("blocked", 4403)
    assert refusal(conv.pk, bob) == ("blocked", 4403)


def test_an_agent_of_another_shop_is_closed_with_4403_and_the_shops_own_agent_gets_in() -> None:
    shop, rival = make_shop(), make_shop("别家店主")
    buyer = make_user("买家")
    conv = services.service_open(customer=buyer, product_id=shop.product.pk)
    rival_staff = make_user("别家客服")
    services.agent_add(owner=rival.owner, user_id=rival_staff.pk)
    assert refusal(conv.pk, rival.owner) == ("not_participant", 4403)
    assert refusal(conv.pk, rival_staff) == ("not_participant", 4403)
    staff = make_user("本店客服")
    services.agent_add(owner=shop.owner, user_id=staff.pk)

    staff_auth = auth(staff)

    async def agent_connects() -> dict[str, Any]:
        comm = _communicator(conv.pk, staff_auth)
        await comm.connect()
        frame = await comm.receive_json_from(timeout=5)
        await comm.disconnect()
        return frame

    assert async_to_sync(agent_connects)()["type"] == "ready"


def test_a_message_sent_on_the_socket_reaches_the_other_side_rendered_for_it() -> None:
    shop = make_shop()
    buyer = make_user("买家")
    conv = services.service_open(customer=buyer, product_id=shop.product.pk)

    buyer_auth, owner_auth = auth(buyer), auth(shop.owner)

    async def talk() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        customer = _communicator(conv.pk, buyer_auth)
        merchant = _communicator(conv.pk, owner_auth)
        await customer.connect()
        await merchant.connect()
        assert (await customer.receive_json_from(timeout=5))["type"] == "ready"
        assert (await merchant.receive_json_from(timeout=5))["type"] == "ready"
        await customer.send_json_to({"type": "send", "body": "请问有赠品吗？"})
        seen_by_merchant = await merchant.receive_json_from(timeout=5)
        frames = [await customer.receive_json_from(timeout=5), await customer.receive_json_from(timeout=5)]
        sent = next(f for f in frames if f["type"] == "sent")
        seen_by_customer = next(f for f in frames if f["type"] == "message")
        await customer.disconnect()
        await merchant.disconnect()
        return seen_by_merchant, seen_by_customer, sent

    theirs, mine, sent = async_to_sync(talk)()
    stored = Message.objects.get(body="请问有赠品吗？")
    assert sent["id"] == stored.pk
    assert theirs["type"] == "message" and theirs["id"] == stored.pk and theirs["mine"] is False
    assert "请问有赠品吗？" in theirs["html"] and 'class="msg"' in theirs["html"]
    assert mine["mine"] is True and 'class="msg mine"' in mine["html"]


def test_refused_sends_get_an_error_frame_and_store_nothing(settings: Any) -> None:
    settings.QUANZI_CHAT = {"MESSAGE_BURST": 2, "MESSAGE_BURST_SECONDS": 60}
    alice, bob = make_user("阿丽"), make_user("阿博")
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.setting_set(user=bob, who_can_message=WhoCanMessage.NOBODY)  # after the conversation was opened

    alice_auth = auth(alice)

    async def sends() -> list[dict[str, Any]]:
        comm = _communicator(conv.pk, alice_auth)
        await comm.connect()
        await comm.receive_json_from(timeout=5)
        out = []
        for frame in ({"type": "send", "body": "在吗"}, {"type": "send", "body": "   "}, {"type": "send"},
                      {"type": "dance"}):
            await comm.send_json_to(frame)
            out.append(await comm.receive_json_from(timeout=5))
        await comm.disconnect()
        return out

    codes = [f["code"] for f in async_to_sync(sends)()]
    assert codes == ["not_accepting", "message_empty", "message_empty", "bad_message"]
    assert Message.objects.count() == 0

    services.setting_set(user=bob, who_can_message=WhoCanMessage.EVERYONE)

    async def flood() -> list[dict[str, Any]]:
        comm = _communicator(conv.pk, alice_auth)
        await comm.connect()
        await comm.receive_json_from(timeout=5)
        out = []
        for i in range(3):
            await comm.send_json_to({"type": "send", "body": f"刷屏 {i}"})
            frames = [await comm.receive_json_from(timeout=5)]
            if frames[0]["type"] != "error":
                frames.append(await comm.receive_json_from(timeout=5))
            out.extend(frames)
        await comm.disconnect()
        return out

    frames = async_to_sync(flood)()
    assert [f["code"] for f in frames if f["type"] == "error"] == ["rate_limited"]
    assert Message.objects.filter(conversation=conv).count() == 2
