"""Chat pages and API: the 联系商家 button on the order page and 联系客服 on the product page, the conversation
list and the top bar's badge, the HTMX fallback post, the shop queue with its agents, settings, and the API's
codes for bad input (nothing stored)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import api_client, make_user
from quanzi.chat import selectors, services
from quanzi.chat.models import ChatReport, Conversation, Message, ServiceAgent

pytestmark = pytest.mark.django_db


def test_the_order_page_has_contact_merchant_and_it_opens_the_conversation(client: Any, shop: Any, buyer: Any,
                                                                           order: Any) -> None:
    client.force_login(buyer)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'id="contact-merchant"' in page and "联系商家" in page
    response = client.post("/chat/service/", {"order": order.pk})
    conv = Conversation.objects.get(customer=buyer, merchant=shop.merchant)
    assert response.status_code == 302 and response["Location"] == f"/chat/c/{conv.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert order.number in page and 'data-card="order-' in page


def test_the_product_page_offers_customer_service_but_not_to_the_shop(client: Any, shop: Any, buyer: Any) -> None:
    client.force_login(buyer)
    assert 'id="chat-product-panel"' in client.get(f"/shop/p/{shop.product.pk}/").content.decode()
    client.force_login(shop.owner)
    assert 'id="chat-product-panel"' not in client.get(f"/shop/p/{shop.product.pk}/").content.decode()


def test_profile_button_follows_the_setting(client: Any, alice: Any, bob: Any) -> None:
    client.force_login(alice)
    assert f'action="/chat/to/{bob.pk}/"' in client.get(f"/u/{bob.pk}/").content.decode()
    services.setting_set(user=bob, who_can_message="nobody")
    assert f'action="/chat/to/{bob.pk}/"' not in client.get(f"/u/{bob.pk}/").content.decode()
    response = client.post(f"/chat/to/{bob.pk}/")
    assert response.status_code == 403 and Conversation.objects.count() == 0


def test_inbox_badge_and_reading(client: Any, alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="周末一起跑步？")
    client.force_login(bob)
    page = client.get("/chat/").content.decode()
    assert 'id="chat-badge">1<' in page and "周末一起跑步？" in page and 'data-unread="1"' in page
    client.get(f"/chat/c/{conv.pk}/")
    assert 'id="chat-badge"' not in client.get("/chat/").content.decode()


def test_the_badge_costs_one_query(client: Any, alice: Any, bob: Any, shop: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    services.message_send(sender=alice, conversation_id=conv.pk, body="hi")
    with CaptureQueriesContext(connection) as queries:
        assert selectors.unread_total(user=bob) == 1
    assert len(queries) == 1


def test_htmx_post_returns_the_fragment_and_errors_retarget(client: Any, alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    client.force_login(alice)
    ok = client.post(f"/chat/c/{conv.pk}/send/", {"body": "你好"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and 'class="msg mine"' in ok.content.decode()
    bad = client.post(f"/chat/c/{conv.pk}/send/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert bad["HX-Retarget"] == "#chat-error" and 'data-code="message_empty"' in bad.content.decode()
    plain = client.post(f"/chat/c/{conv.pk}/send/", {"body": "无脚本"})
    assert plain.status_code == 302
    stranger = make_user("路人")
    client.force_login(stranger)
    assert client.post(f"/chat/c/{conv.pk}/send/", {"body": "插话"}).status_code == 403
    assert client.get(f"/chat/c/{conv.pk}/").status_code == 403
    assert list(Message.objects.values_list("body", flat=True).order_by("id")) == ["你好", "无脚本"]
    client.force_login(bob)
    after = client.get(f"/chat/c/{conv.pk}/messages/?after=0").content.decode()
    assert "你好" in after and "无脚本" in after


def test_shop_queue_page_agents_and_assignment(client: Any, shop: Any, buyer: Any, order: Any) -> None:
    conv = services.service_open(customer=buyer, order_id=order.pk)
    services.message_send(sender=buyer, conversation_id=conv.pk, body="发票怎么开")
    staff = make_user("客服小王")
    client.force_login(shop.owner)
    page = client.get("/chat/shop/").content.decode()
    assert f'id="queue-{conv.pk}"' in page and "发票怎么开" in page
    client.post("/chat/shop/", {"phone": staff.phone})
    assert ServiceAgent.objects.filter(merchant=shop.merchant, user=staff).exists()
    client.post(f"/chat/c/{conv.pk}/assign/", {"agent": staff.pk})
    conv.refresh_from_db()
    assert conv.assigned_to_id == staff.pk
    client.force_login(staff)
    mine = client.get("/chat/shop/?q=mine").content.decode()
    assert f'id="queue-{conv.pk}"' in mine
    client.force_login(buyer)
    assert client.get("/chat/shop/").status_code == 403


def test_settings_page_and_blocks(client: Any, alice: Any, bob: Any) -> None:
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    client.force_login(bob)
    client.post("/chat/settings/", {"who_can_message": "following"})
    assert selectors.who_can_message(user=bob) == "following"
    client.post(f"/chat/c/{conv.pk}/block/", {"on": "1"})
    assert selectors.block_exists(blocker_id=bob.pk, target_id=alice.pk)
    assert "阿丽" in client.get("/chat/settings/").content.decode()
    client.post("/chat/settings/", {"unblock": alice.pk})
    assert not selectors.block_exists(blocker_id=bob.pk, target_id=alice.pk)
    client.post(f"/chat/c/{conv.pk}/report/", {"reason": "骚扰"})
    assert ChatReport.objects.filter(reporter=bob).count() == 1


def test_api_conversations_messages_and_codes(shop: Any, buyer: Any, order: Any, alice: Any) -> None:
    api = api_client(buyer)
    opened = api.post("/api/v1/chat/conversations/service", {"order_id": order.pk}, content_type="application/json")
    assert opened.status_code == 200, opened.content
    cid = opened.json()["id"]
    sent = api.post(f"/api/v1/chat/conversations/{cid}/messages", {"body": "在吗"}, content_type="application/json")
    assert sent.status_code == 201 and sent.json()["side"] == "customer"
    for body, status, code in (({"body": ""}, 400, "message_empty"),
                               ({"body": "x" * 1001}, 400, "message_too_long"),
                               ({"body": "a\x00"}, 422, "invalid_characters")):
        r = api.post(f"/api/v1/chat/conversations/{cid}/messages", body, content_type="application/json")
        assert (r.status_code, r.json()["code"]) == (status, code)
    other = api_client(alice).post(f"/api/v1/chat/conversations/{cid}/messages", {"body": "hi"},
                                   content_type="application/json")
    assert (other.status_code, other.json()["code"]) == (403, "not_participant")
    assert api_client().get("/api/v1/chat/unread").status_code == 401
    assert api_client(shop.owner).get("/api/v1/chat/unread").json() == {"total": 1}
    listed = api.get(f"/api/v1/chat/conversations/{cid}/messages").json()
    assert [m["kind"] for m in listed] == ["card", "text"] and listed[0]["card"]["number"] == order.number
    r = api_client(alice).put("/api/v1/chat/settings", {"who_can_message": "nobody"}, content_type="application/json")
    assert r.json() == {"who_can_message": "nobody"}
    r = api.post("/api/v1/chat/conversations/direct", {"user_id": alice.pk}, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (403, "not_accepting")
    assert Message.objects.count() == 2
