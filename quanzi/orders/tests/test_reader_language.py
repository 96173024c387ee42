"""The order's history is shown in the reader's language: an order that expires while an English request is active
reads in Chinese to a Chinese buyer (page and API) and in English to an English one; what a person typed (the
carrier and tracking number) is shown as typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from conftest import api_client
from quanzi.aftersales.tests.helpers import paid_order, shop
from quanzi.orders import services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderStatusChange, TrackingEvent
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db

EXPIRED_ZH, EXPIRED_EN = "超时未支付，自动取消", "Cancelled automatically: not paid in time"


def _page(user, order: Order, lang: str) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def _history(user, order: Order, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    body = api_client(user).get(f"/api/v1/orders/{order.pk}", HTTP_ACCEPT_LANGUAGE=lang).json()
    return [h["reason"] for h in body["history"]]


def test_an_order_expired_during_an_english_request_reads_in_chinese_to_a_chinese_buyer(member) -> None:
    _m, sku = shop(price_fen=1000)
    order = place(member, [(sku.pk, 1)]).orders.get()
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with translation.override("en"):  # e.g. an English-browsing merchant's request settles it
        services.order_settle(order_id=order.pk)

    row = OrderStatusChange.objects.get(order=order, to_status=OrderStatus.CANCELLED)
    assert (row.message_id, row.params, row.reason) == ("order.expired", {}, EXPIRED_ZH)
    order.refresh_from_db()
    assert order.cancel_message_id == "order.not_paid_in_time" and order.cancel_reason == "超时未支付"

    zh = _page(member, order, "zh-hans")
    assert EXPIRED_ZH in zh and "下单" in zh and EXPIRED_EN not in zh
    assert _history(member, order, "zh-hans") == ["下单", EXPIRED_ZH]
    en = _page(member, order, "en")
    assert EXPIRED_EN in en and EXPIRED_ZH not in en
    assert _history(member, order, "en") == ["Order placed", EXPIRED_EN]
    with translation.override("en"):
        assert order.display_cancel_reason == "Not paid in time"


def test_an_english_merchants_shipment_reads_in_the_buyers_language(member) -> None:
    merchant, sku = shop(price_fen=1000)
    order = paid_order(member, [(sku, 1)])
    r = api_client(merchant.user).post(f"/api/v1/orders/merchant/orders/{order.pk}/ship",
                                       {"carrier": "顺丰", "tracking_no": "SF1234567890"},
                                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    event = TrackingEvent.objects.get(shipment__order=order)
    assert (event.message_id, event.description) == ("order.shipped", "商家已发货")

    zh = api_client(member).get(f"/api/v1/orders/{order.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert [e["description"] for e in zh["shipment"]["events"]] == ["商家已发货"]
    assert zh["history"][-1]["reason"] == "顺丰 SF1234567890"  # typed: shown as typed
    assert "支付成功" in [h["reason"] for h in zh["history"]]
    en = api_client(member).get(f"/api/v1/orders/{order.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [e["description"] for e in en["shipment"]["events"]] == ["Shipped by merchant"]
    assert en["history"][-1]["reason"] == "顺丰 SF1234567890"
    assert "商家已发货" in _page(member, order, "zh-hans") and "Shipped by merchant" in _page(member, order, "en")


def test_a_buyers_own_cancel_reason_is_kept_as_typed(member) -> None:
    _m, sku = shop(price_fen=1000)
    order = place(member, [(sku.pk, 1)]).orders.get()
    services.order_cancel(user=member, order_id=order.pk, reason="  买错了  ")
    order.refresh_from_db()
    assert (order.cancel_reason, order.cancel_message_id) == ("买错了", "")
    other = place(member, [(sku.pk, 1)]).orders.get()
    with translation.override("en"):
        services.order_cancel(user=member, order_id=other.pk)
    other.refresh_from_db()
    assert (other.cancel_reason, other.cancel_message_id) == ("买家取消", "order.buyer_cancelled")
    assert _history(member, other, "en")[-1] == "Cancelled by buyer"
