"""Chat services: who may write to whom (settings, follows, replies, blocks), customer service from a product or
an order with its card, unread counters, the shop's queue and assignment, bad input (nothing stored), flooding,
reports and the privacy registry."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from quanzi.accounts import services as accounts
from quanzi.catalog.tests.factories import png_upload
from quanzi.chat import selectors, services
from quanzi.chat.enums import CardType, MessageKind, QueueFilter, ReportStatus, Side, WhoCanMessage
from quanzi.chat.models import ChatReport, Conversation, Message, ServiceAgent
from quanzi.chat.tests.conftest import make_shop
from quanzi.core import personal_data
from quanzi.core.errors import DomainError

pytestmark = pytest.mark.django_db


def refused(code: str, fn: Any, /, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(**kwargs)
    assert info.value.code == code, (info.value.code, info.value.message)
    return info.value


# --- member ↔ member -------------------------------------------------------------------------------------------


def test_direct_message_reaches_the_other_member_with_an_unread_count(alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    assert services.direct_open(sender=bob, recipient_id=alice.pk).pk == conv.pk  # one conversation per pair
    services.message_send(sender=alice, conversation_id=conv.pk, body="  你好，跑鞋还在吗？ ")
    services.message_send(sender=alice, conversation_id=conv.pk, body="第二条")
    msg = Message.objects.filter(conversation=conv).first()
    assert msg is not None and msg.body == "你好，跑鞋还在吗？" and msg.side == Side.MEMBER
    assert selectors.unread_total(user=bob) == 2 and selectors.unread_total(user=alice) == 0
    rows = selectors.conversation_list(user=bob)
    assert [(r.title, r.unread, r.preview) for r in rows] == [("阿丽", 2, "第二条")]
    services.conversation_mark_read(user=bob, conversation_id=conv.pk)
    assert selectors.unread_total(user=bob) == 0


def test_nobody_setting_refuses_and_stores_nothing(alice: Any, bob: Any) -> None:
    services.setting_set(user=bob, who_can_message=WhoCanMessage.NOBODY)
    refused("not_accepting", services.direct_open, sender=alice, recipient_id=bob.pk)
    assert Conversation.objects.count() == 0
    refused("invalid_setting", services.setting_set, user=bob, who_can_message="friends")


def test_following_setting_lets_in_only_people_the_receiver_follows(alice: Any, bob: Any) -> None:
    carol = make_user("小卡")
    services.setting_set(user=bob, who_can_message=WhoCanMessage.FOLLOWING)
    refused("not_accepting", services.direct_open, sender=alice, recipient_id=bob.pk)
    accounts.follow(follower=bob, followee_id=alice.pk)
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="谢谢关注")
    refused("not_accepting", services.direct_open, sender=carol, recipient_id=bob.pk)


def test_a_setting_changed_later_stops_new_messages_but_not_replies(alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="在吗")
    services.setting_set(user=bob, who_can_message=WhoCanMessage.NOBODY)
    services.setting_set(user=alice, who_can_message=WhoCanMessage.NOBODY)
    # bob may answer alice: she wrote to him (her own "nobody" does not undo her message)
    services.message_send(sender=bob, conversation_id=conv.pk, body="在的")
    # and alice may go on: bob has written in this conversation himself
    services.message_send(sender=alice, conversation_id=conv.pk, body="好的")
    assert Message.objects.filter(conversation=conv).count() == 3


def test_blocking_stops_both_directions_and_unblocking_restores(alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="hi")
    services.conversation_block(user=bob, conversation_id=conv.pk, on=True)
    before = Message.objects.count()
    refused("blocked", services.message_send, sender=alice, conversation_id=conv.pk, body="为什么拉黑我")
    refused("blocked", services.message_send, sender=bob, conversation_id=conv.pk, body="再见")
    refused("blocked", services.direct_open, sender=alice, recipient_id=bob.pk)
    assert Message.objects.count() == before
    assert not selectors.may_message(sender=alice, recipient_id=bob.pk)
    services.unblock(user=bob, target_id=alice.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="好了")


def test_bad_messages_get_a_code_and_store_nothing(alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    refused("message_empty", services.message_send, sender=alice, conversation_id=conv.pk, body="   \n ")
    refused("message_too_long", services.message_send, sender=alice, conversation_id=conv.pk, body="长" * 1001)
    refused("invalid_characters", services.message_send, sender=alice, conversation_id=conv.pk, body="a\x00b")
    refused("conversation_not_found", services.message_send, sender=alice, conversation_id=conv.pk + 999,
            body="hi")
    stranger = make_user("路人")
    refused("not_participant", services.message_send, sender=stranger, conversation_id=conv.pk, body="hi")
    refused("cannot_message_self", services.direct_open, sender=alice, recipient_id=alice.pk)
    refused("image_invalid", services.message_send, sender=alice, conversation_id=conv.pk,
            image=SimpleUploadedFile("x.png", b"not a picture", content_type="image/png"))
    assert Message.objects.count() == 0
    assert selectors.unread_total(user=bob) == 0


def test_a_1000_character_message_is_fine(alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    assert len(services.message_send(sender=alice, conversation_id=conv.pk, body="长" * 1000).body) == 1000


def test_flooding_is_rate_limited_and_stores_nothing(alice: Any, bob: Any, settings: Any) -> None:
    settings.QUANZI_CHAT = {"MESSAGE_BURST": 3, "MESSAGE_BURST_SECONDS": 60}
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    for i in range(3):
        services.message_send(sender=alice, conversation_id=conv.pk, body=f"刷屏 {i}")
    exc = refused("rate_limited", services.message_send, sender=alice, conversation_id=conv.pk, body="第四条")
    assert exc.status == 429 and int(exc.headers["Retry-After"]) >= 1
    assert Message.objects.filter(conversation=conv).count() == 3
    assert selectors.unread_total(user=bob) == 3
    services.message_send(sender=bob, conversation_id=conv.pk, body="别刷了")  # bob has his own budget


def test_image_messages_are_re_encoded_and_served_to_participants_only(alice: Any, bob: Any, client: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    msg = services.message_send(sender=alice, conversation_id=conv.pk, image=png_upload("我的照片.png"), body="看图")
    assert msg.kind == MessageKind.IMAGE and msg.image.name.startswith("chat/") and "照片" not in msg.image.name
    client.force_login(bob)
    response = client.get(f"/chat/images/{msg.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(make_user("路人"))
    assert client.get(f"/chat/images/{msg.pk}/").status_code == 404


# --- customer service -----------------------------------------------------------------------------------------


def test_service_from_an_order_shows_the_order_card_once(shop: Any, buyer: Any, order: Any) -> None:
    conv = services.service_open(customer=buyer, order_id=order.pk)
    again = services.service_open(customer=buyer, order_id=order.pk)
    assert again.pk == conv.pk
    cards = list(Message.objects.filter(conversation=conv, kind=MessageKind.CARD))
    assert len(cards) == 1 and cards[0].card_type == CardType.ORDER
    assert cards[0].card["number"] == order.number and cards[0].card["payable_fen"] == order.payable_fen
    services.service_open(customer=buyer, product_id=shop.product.pk)  # a new subject: a second card
    assert Message.objects.filter(conversation=conv, kind=MessageKind.CARD).count() == 2
    assert conv.merchant_id == shop.merchant.pk
    # the card alone is not unread for the shop; the buyer's question is
    assert selectors.unread_total(user=shop.owner) == 0
    services.message_send(sender=buyer, conversation_id=conv.pk, body="什么时候发货？")
    assert selectors.unread_total(user=shop.owner) == 1


def test_service_cards_need_the_buyers_own_order(shop: Any, buyer: Any, order: Any) -> None:
    other = make_user("别人")
    refused("card_not_found", services.service_open, customer=other, order_id=order.pk)
    refused("card_not_found", services.service_open, customer=buyer, product_id=999999)
    refused("cannot_message_self", services.service_open, customer=shop.owner, product_id=shop.product.pk)
    assert Conversation.objects.count() == 0


def test_the_shop_answers_assignment_and_the_queue(shop: Any, buyer: Any, order: Any) -> None:
    staff = make_user("客服小王")
    services.agent_add(owner=shop.owner, user_id=staff.pk)
    refused("agent_exists", services.agent_add, owner=shop.owner, user_id=staff.pk)
    refused("not_agent", services.agent_add, owner=staff, user_id=buyer.pk)  # staff do not hire
    conv = services.service_open(customer=buyer, order_id=order.pk)
    services.message_send(sender=buyer, conversation_id=conv.pk, body="你好")
    q = selectors.shop_queue
    assert [c.pk for c in q(user=staff, merchant=shop.merchant, which=QueueFilter.UNASSIGNED)] == [conv.pk]
    assert selectors.unread_total(user=staff) == 1 and selectors.unread_total(user=shop.owner) == 1
    # staff take it; it leaves the unassigned queue and the owner's badge (it waits for the staff member now)
    services.conversation_assign(actor=staff, conversation_id=conv.pk, agent_id=staff.pk)
    assert list(q(user=staff, merchant=shop.merchant, which=QueueFilter.UNASSIGNED)) == []
    assert [c.pk for c in q(user=staff, merchant=shop.merchant, which=QueueFilter.MINE)] == [conv.pk]
    assert selectors.unread_total(user=shop.owner) == 0 and selectors.unread_total(user=staff) == 1
    other_staff = make_user("客服小李")
    services.agent_add(owner=shop.owner, user_id=other_staff.pk)
    refused("not_agent", services.conversation_assign, actor=other_staff, conversation_id=conv.pk,
            agent_id=other_staff.pk)  # already someone's: only the owner moves it
    services.conversation_assign(actor=shop.owner, conversation_id=conv.pk, agent_id=other_staff.pk)
    reply = services.message_send(sender=other_staff, conversation_id=conv.pk, body="您好，今天发货")
    assert reply.side == Side.SHOP
    conv.refresh_from_db()
    assert conv.shop_unread == 0 and selectors.unread_total(user=buyer) == 1
    # another shop's owner is not in it
    rival = make_shop("别家店主")
    refused("not_participant", services.message_send, sender=rival.owner, conversation_id=conv.pk, body="hi")
    refused("not_agent", selectors.shop_queue, user=rival.owner, merchant=shop.merchant)
    # removing an agent puts their conversations back in the queue
    services.agent_remove(owner=shop.owner, user_id=other_staff.pk)
    conv.refresh_from_db()
    assert conv.assigned_to_id is None
    assert not ServiceAgent.objects.filter(user=other_staff).exists()


def test_an_unassigned_conversation_goes_to_the_agent_who_answers(shop: Any, buyer: Any) -> None:
    conv = services.service_open(customer=buyer, product_id=shop.product.pk)
    services.message_send(sender=buyer, conversation_id=conv.pk, body="有货吗")
    services.message_send(sender=shop.owner, conversation_id=conv.pk, body="有的")
    conv.refresh_from_db()
    assert conv.assigned_to_id == shop.owner.pk


def test_the_shop_blocks_a_buyer_for_every_agent(shop: Any, buyer: Any) -> None:
    staff = make_user("客服")
    services.agent_add(owner=shop.owner, user_id=staff.pk)
    conv = services.service_open(customer=buyer, product_id=shop.product.pk)
    services.conversation_block(user=staff, conversation_id=conv.pk, on=True)
    refused("blocked", services.message_send, sender=buyer, conversation_id=conv.pk, body="在吗")
    refused("blocked", services.service_open, customer=buyer, product_id=shop.product.pk)
    refused("blocked", services.message_send, sender=shop.owner, conversation_id=conv.pk, body="hi")


# --- reports and privacy --------------------------------------------------------------------------------------


def test_reports_go_to_the_operators(alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    msg = services.message_send(sender=alice, conversation_id=conv.pk, body="加我微信领钱")
    report = services.report_create(reporter=bob, conversation_id=conv.pk, message_id=msg.pk, reason="诈骗")
    assert report.reported_user_id == alice.pk and report.status == ReportStatus.OPEN
    refused("already_reported", services.report_create, reporter=bob, conversation_id=conv.pk, reason="再报")
    refused("invalid_reason", services.report_create, reporter=alice, conversation_id=conv.pk, reason=" ")
    op = make_user("运营")
    op.is_staff = True
    op.save(update_fields=["is_staff"])
    closed = services.report_close(operator=op, report_id=report.pk, resolved=True, note="已封禁")
    assert closed.status == ReportStatus.RESOLVED and closed.handled_by_id == op.pk
    assert ChatReport.objects.count() == 1


def test_privacy_export_and_deletion_cover_chat(alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="我的地址是文三路 100 号")
    services.message_send(sender=alice, conversation_id=conv.pk, image=png_upload(), body="")
    services.message_send(sender=bob, conversation_id=conv.pk, body="收到")
    exported = personal_data.collect(alice.pk)["chat"]
    bodies = [r["body"] for r in exported if r["record"] == "message"]
    assert "我的地址是文三路 100 号" in bodies and "收到" not in bodies
    assert not any(k.startswith("chat.") for k in personal_data.collect(alice.pk))  # the provider covers them
    personal_data.PROVIDERS["chat"].erase(alice.pk)  # type: ignore[misc]
    assert not Message.objects.filter(sender_id=alice.pk).exists()
    assert list(Message.objects.filter(conversation=conv).values_list("body", flat=True).order_by("id")) == [
        "", "", "收到"]
    assert not Message.objects.exclude(image="").exists()
