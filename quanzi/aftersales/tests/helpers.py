"""Helpers for the after-sales tests: real orders through the catalog, orders and payments services."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from quanzi.accounts.models import User
from quanzi.catalog.enums import ReturnExemption
from quanzi.catalog.models import Merchant, Sku
from quanzi.catalog.tests import factories as f
from quanzi.orders import services as orders
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import place
from quanzi.payments import services as payments


def png(name: str = "p.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def shop(*, price_fen: int = 5000, exemption: str = ReturnExemption.NONE, stock: int = 20) -> tuple[Merchant, Sku]:
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=price_fen, stock=stock, return_exemption=exemption)
    return m, sku


def paid_order(buyer: User, skus: list[tuple[Sku, int]]) -> Order:
    order = place(buyer, [(s.pk, q) for s, q in skus]).orders.get()
    payments.sandbox_pay_now(user=buyer, order_id=order.pk)
    order.refresh_from_db()
    return order


def shipped_order(buyer: User, merchant: Merchant, skus: list[tuple[Sku, int]]) -> Order:
    order = paid_order(buyer, skus)
    return orders.order_ship(user=merchant.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")


def delivered_order(buyer: User, merchant: Merchant, skus: list[tuple[Sku, int]], *,
                    days_ago: float = 0) -> Order:
    """Shipped and confirmed by the buyer; `days_ago` moves the delivery back in time."""
    order = shipped_order(buyer, merchant, skus)
    order = orders.order_confirm_receipt(user=buyer, order_id=order.pk)
    if days_ago:
        when = timezone.now() - dt.timedelta(days=days_ago)
        Order.objects.filter(pk=order.pk).update(delivered_at=when, shipped_at=when - dt.timedelta(days=1))
        order.refresh_from_db()
    return order


def line_of(order: Order, sku: Sku | None = None) -> Any:
    lines = list(order.lines.all())
    return next(ln for ln in lines if sku is None or ln.sku_id == sku.pk)
