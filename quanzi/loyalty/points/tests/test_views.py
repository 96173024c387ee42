"""The points pages: "我的积分" (balance, expiring soon, the ledger with reasons, the lots past their date written
off first), the mall (redeem buttons, refusals shown as messages, nothing changed), and the checkout page's panel."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from quanzi.loyalty.points import selectors
from quanzi.loyalty.points.models import MallRedemption
from quanzi.loyalty.points.tests.helpers import Clock, grant, local, mall_item
from quanzi.orders.tests.helpers import address

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_my_points_shows_balance_expiring_and_ledger(buyer: Any, monkeypatch: Any) -> None:
    clock = Clock(monkeypatch, local(2025, 2, 1, 9, 0))
    grant(buyer, 120, key="old")
    clock.set(local(2026, 12, 10, 9, 0))
    services_reason = "连续签到 7 天"
    from quanzi.loyalty.points import services

    services.points_grant(user_id=buyer.pk, amount=30, key="checkin", reason=services_reason)
    page = _client(buyer).get("/points/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="points-balance">150<' in html and 'data-expiring="120"' in html and services_reason in html
    clock.set(local(2027, 1, 1, 0, 0, 1))
    html = _client(buyer).get("/points/").content.decode()  # the page writes off what expired first
    assert 'id="points-balance">30<' in html and 'data-kind="expire"' in html
    assert Client().get("/points/").status_code == 302


def test_the_mall_redeems_and_shows_refusals(buyer: Any) -> None:
    grant(buyer, 150)
    item = mall_item(title="帆布袋", cost_points=100, per_member_limit=1)
    pricey = mall_item(title="保温杯", cost_points=500)
    c = _client(buyer)
    html = c.get("/points/mall/").content.decode()
    assert f'id="redeem-{item.pk}"' not in html  # goods need an address from an order first
    addr = address(buyer).pk
    html = c.get("/points/mall/").content.decode()
    assert "帆布袋" in html and f'id="redeem-{item.pk}"' in html
    assert f'id="redeem-{pricey.pk}"' not in html and "积分不足" in html
    done = c.post(f"/points/mall/{item.pk}/redeem/", {"address_id": addr, "request_key": "x"}, follow=True)
    assert "兑换成功" in done.content.decode() and selectors.points_balance(user_id=buyer.pk) == 50
    refused = c.post(f"/points/mall/{pricey.pk}/redeem/", {"address_id": addr}, follow=True)
    assert "积分不足" in refused.content.decode() and MallRedemption.objects.count() == 1
    assert Client().get("/points/mall/").status_code == 200  # anyone may look


def test_the_checkout_page_offers_points_and_shows_the_cap_error(buyer: Any, shop: Any) -> None:
    grant(buyer, 9000)
    c = _client(buyer)
    page = c.get(f"/checkout/?sku_id={shop.cream.pk}&quantity=1")
    html = page.content.decode()
    assert 'id="checkout-points"' in html and 'max="5000"' in html
    priced = c.get(f"/checkout/?sku_id={shop.cream.pk}&quantity=1&options_chosen=1&options.points=2000")
    assert 'id="points-saving"' in priced.content.decode()
    over = c.get(f"/checkout/?sku_id={shop.cream.pk}&quantity=1&options_chosen=1&options.points=6000")
    assert "最多可用 5000 积分" in over.content.decode()
