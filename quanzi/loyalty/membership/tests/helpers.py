"""Helpers for the membership tests: a shop whose SKU has a member price, orders placed, paid through the real
sandbox gateway, completed by the pipeline's own time-out, refunded through payments; plans bought as orders of
their virtual SKU (the hooks run after commit, so the tests that pay use transaction=True)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.loyalty.membership import services
from quanzi.loyalty.membership.models import Level, Plan
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus, ShippingMode
from quanzi.orders.models import Order
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox


def shop(*, price_fen: int = 10000, member_price_fen: int | None = 9000, shipping_fee_fen: int = 0) -> tuple[Any, Sku]:
    merchant = f.approved_merchant()
    _p, sku = f.product_with_sku(merchant, price_fen=price_fen, member_price_fen=member_price_fen, stock=500,
                                 title="山茶花修护面霜")
    if shipping_fee_fen:
        orders.shipping_template_set(user=merchant.user, mode=ShippingMode.PIECE, first_units=1,
                                     first_fee_fen=shipping_fee_fen, additional_units=1, additional_fee_fen=0)
    return merchant, sku


def address_id(user: Any) -> int:
    existing = user.addresses.first()
    if existing is not None:
        return int(existing.pk)
    return int(orders.address_create(user=user, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                     district="西湖区", detail="文三路 100 号").pk)


def place(user: Any, sku: Sku, quantity: int = 1) -> Order:
    checkout = orders.order_place(user=user, address_id=address_id(user), idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, quantity)])
    return checkout.orders.get()


def pay(user: Any, order: Order) -> Order:
    payment = payments.payment_create(user=user, order_id=order.pk, gateway="sandbox")
    outcome = pay_with_sandbox(payment)
    assert outcome.ok, outcome
    order.refresh_from_db()
    return order


def complete(merchant: Any, user: Any, order: Order) -> Order:
    """Ship, confirm receipt, and let the return window pass: the pipeline completes the order."""
    orders.order_ship(user=merchant.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    orders.order_confirm_receipt(user=user, order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=30))
    order = orders.order_settle(order_id=order.pk)
    assert order.status == OrderStatus.COMPLETED
    return order


def refund(order: Order, amount_fen: int, no: str = "") -> None:
    line = order.lines.get()
    payments.refund_create(order_id=order.pk, amount_fen=amount_fen, refund_no=no or f"T-{uuid.uuid4().hex[:10]}",
                           lines={line.pk: amount_fen})


def level(name: str) -> Level:
    return Level.objects.get(name=name)


def plan(code: str) -> Plan:
    return Plan.objects.get(code=code)


def buy(user: Any, code: str) -> Order:
    """Buy a plan the way the page does: place its order, then pay it at the sandbox cashier."""
    checkout = services.plan_buy(user=user, plan_id=plan(code).pk, idempotency_key=uuid.uuid4().hex)
    return pay(user, checkout.orders.get())


def grow(user: Any, amount: int) -> None:
    services.growth_grant(user_id=user.pk, amount=amount, key=f"test:{uuid.uuid4().hex}", reason="test")
