"""Helpers for the coupon tests: a shop with products in a category, coupon templates made through the service,
orders placed and paid through the orders and payments services (the sandbox gateway)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.catalog.models import Sku
from quanzi.growth.coupons import services
from quanzi.growth.coupons.enums import CouponKind, CouponScope
from quanzi.growth.coupons.models import Coupon, CouponTemplate
from quanzi.orders import services as order_services
from quanzi.orders.models import CheckoutSession, Order
from quanzi.orders.tests.helpers import address
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox


def template(actor: User, **fields: Any) -> CouponTemplate:
    """A coupon template; by default 满 ¥100 减 ¥20, platform-wide, 7 days after claiming, unlimited."""
    values: dict[str, Any] = {"name": "满100减20", "kind": CouponKind.AMOUNT_OFF, "amount_fen": 2000,
                              "threshold_fen": 10000, "scope": CouponScope.PLATFORM, "valid_days": 7}
    values.update(fields)
    return services.template_create(actor=actor, **values)


def claim(user: User, t: CouponTemplate) -> Coupon:
    return services.coupon_claim(user=user, template_id=t.pk)


def place(user: User, items: list[tuple[Sku, int]], coupons: list[Coupon] | None = None,
          **options: Any) -> CheckoutSession:
    opts: dict[str, Any] = dict(options)
    if coupons:
        opts["coupon_ids"] = [c.pk for c in coupons]
    addr = getattr(user, "_test_address", None)
    if addr is None:
        addr = address(user)
        user._test_address = addr  # type: ignore[attr-defined]
    return order_services.order_place(user=user, address_id=addr.pk, idempotency_key=uuid.uuid4().hex,
                                      items=[(s.pk, q) for s, q in items], options=opts)


def pay(user: User, order: Order) -> Order:
    payment = payments.payment_create(user=user, order_id=order.pk, gateway="sandbox")
    assert pay_with_sandbox(payment).ok
    order.refresh_from_db()
    return order


def hours(n: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=n)
