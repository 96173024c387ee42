"""Helpers for the points tests: a frozen clock (django's `timezone.now`, which the services, `auto_now_add` and
the selectors all read), grants at a given moment, a shop, and an order taken from checkout to completion."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.timeutil import SHANGHAI
from quanzi.growth.coupons.models import CouponTemplate
from quanzi.loyalty.points import services
from quanzi.loyalty.points.models import MallItem
from quanzi.orders import services as order_services
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import address
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox


def local(*args: int) -> dt.datetime:
    """A moment given in Asia/Shanghai wall-clock time."""
    return dt.datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


class Clock:
    """A frozen `timezone.now()` the test moves by hand."""

    def __init__(self, monkeypatch: Any, at: dt.datetime) -> None:
        self.at = at
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def set(self, at: dt.datetime) -> None:
        self.at = at


def grant(user: Any, points: int, key: str = "") -> None:
    services.points_grant(user_id=user.pk, amount=points, key=key or uuid.uuid4().hex, reason="测试发放")


def shop() -> Any:
    """A merchant with 面霜 ¥100 and 香皂 ¥30, shipping ¥10 per parcel."""
    m = f.approved_merchant()
    _p, cream = f.product_with_sku(m, price_fen=10000, stock=50, title="面霜")
    _p, soap = f.product_with_sku(m, price_fen=3000, stock=50, title="香皂")
    order_services.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=1000,
                                         additional_units=1, additional_fee_fen=0, free_threshold_fen=None)
    return type("Shop", (), {"merchant": m, "cream": cream, "soap": soap})


def place(user: Any, items: list[tuple[Sku, int]], points: int | None = None, **extra: Any) -> Order:
    options = {"points": points} if points is not None else {}
    return order_services.order_place(user=user, address_id=address(user).pk, idempotency_key=uuid.uuid4().hex,
                                      items=[(s.pk, q) for s, q in items], options={**options, **extra}).orders.get()


def pay(order: Order) -> None:
    payment = payments.payment_create(user=order.buyer, order_id=order.pk, gateway="sandbox")
    assert pay_with_sandbox(payment).ok


def complete(order: Order, merchant: Any, clock_back: Callable[[], None] | None = None) -> None:
    """Ship, receive, let the return window pass: the `completed` moment."""
    order_services.order_ship(user=merchant.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    order_services.order_confirm_receipt(user=order.buyer, order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=30))
    order_services.order_settle(order_id=order.pk)


def coupon_template(operator: Any, quota: int = 100) -> CouponTemplate:
    """满 ¥100 减 ¥20, platform-wide; as a mall prize a member may hold up to 5."""
    from quanzi.growth.coupons.tests.helpers import template

    return template(operator, total_quota=quota, per_member_limit=5, claim_mode="grant")


def mall_item(**kw: Any) -> MallItem:
    fields: dict[str, Any] = {"title": "包邮小样", "kind": "goods", "cost_points": 100, "stock": 10,
                              "per_member_limit": 2}
    fields.update(kw)
    return MallItem.objects.create(**fields)
