"""Helpers for the settlement tests: orders placed and paid (sandbox) and refunds completed at chosen moments,
all through the real services."""

from __future__ import annotations

import datetime as dt
import uuid

from quanzi.accounts.models import User
from quanzi.catalog.models import Sku
from quanzi.core.timeutil import SHANGHAI
from quanzi.orders import services as orders
from quanzi.orders.models import Order
from quanzi.payments import services as payments
from quanzi.payments.models import Refund
from quanzi.web.demo.clock import clock_at


def at(y: int, m: int, d: int, h: int = 12, minute: int = 0) -> dt.datetime:
    """A Shanghai wall-clock moment."""
    return dt.datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def paid_order(buyer: User, items: list[tuple[Sku, int]], when: dt.datetime) -> Order:
    with clock_at(when):
        addr = orders.address_create(user=buyer, name="小红", phone="13912345678", province="浙江省",
                                     city="杭州市", district="西湖区", detail="文三路 100 号")
        checkout = orders.order_place(user=buyer, address_id=addr.pk, idempotency_key=uuid.uuid4().hex,
                                      items=[(s.pk, q) for s, q in items])
        order = checkout.orders.get()
        payments.sandbox_pay_now(user=buyer, order_id=order.pk)
    order.refresh_from_db()
    return order


def refund(order: Order, amount_fen: int, when: dt.datetime, reason: str = "质量问题") -> Refund:
    """A refund that the gateway completes at `when` (the submit job is run directly, at that moment)."""
    with clock_at(when):
        r = payments.refund_create(order_id=order.pk, amount_fen=amount_fen, refund_no=f"R{uuid.uuid4().hex[:20]}",
                                   reason=reason)
        r = payments.refund_submit(refund_id=r.pk)
    return r
