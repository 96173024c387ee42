"""The demo's commerce part, built small through the real services: merchants with commission rates, a
catalog, orders in every state paid through the sandbox, closed-loop credit, and last month's statements — and
stock, money and statements that agree with the rows behind them."""

from __future__ import annotations

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from quanzi.catalog.enums import MerchantStatus, ReturnExemption
from quanzi.catalog.models import Merchant, PostProduct, Product, ShelfItem, Sku, StockMovement
from quanzi.core.timeutil import local_date
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderLine, TrackingEvent
from quanzi.orders.rules import effective_status
from quanzi.payments.models import Payment
from quanzi.settlements.models import SettlementStatement
from quanzi.settlements.periods import Period
from quanzi.web.demo.build import build

pytestmark = pytest.mark.django_db




def test_demo_commerce() -> None:
    """One build (it takes a while), every promise checked on it."""
    build(members=150, posts=60, orders=50, log=lambda _line: None)
    _merchants_catalog_shelves_and_cards()
    _orders_in_every_state()
    _stock_never_went_negative_and_matches_its_ledger()
    _some_orders_are_credited_to_posts()
    _last_months_statements_reconcile()


def _merchants_catalog_shelves_and_cards() -> None:
    # the platform's own seller of virtual goods (圈子自营: the demo's paid memberships) is not a shop; besides the
    # 3-4 goods shops, the mall's partner hotel and the KOL's paid-content payee account are approved merchants
    approved = Merchant.objects.filter(status=MerchantStatus.APPROVED, is_platform=False)
    assert 3 <= approved.exclude(user__phone__in=["13800000006", "13800000003"]).count() <= 4
    assert approved.count() <= 6
    assert approved.filter(user__phone="13800000004").exists()  # the demo merchant login sells
    assert len(set(approved.values_list("commission_rate", flat=True))) >= 3
    assert Merchant.objects.filter(status=MerchantStatus.APPLIED).exists()  # the operator's queue has work
    assert Product.objects.filter(on_shelf=True).count() >= 60
    assert Product.objects.exclude(return_exemption=ReturnExemption.NONE).count() >= 3
    specs = {k for spec in Sku.objects.values_list("spec", flat=True) for k in spec}
    assert {"颜色", "尺码"} <= specs
    assert ShelfItem.objects.count() >= 10 and PostProduct.objects.exists()


def _orders_in_every_state() -> None:
    orders = Order.objects.all()
    assert orders.count() >= 50
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    assert orders.filter(status=OrderStatus.CANCELLED, cancel_reason="超时未支付").exists()  # expired
    assert orders.filter(status=OrderStatus.CANCELLED).exclude(cancel_reason="超时未支付").exists()  # by the buyer
    now = timezone.now()
    pending = orders.filter(status=OrderStatus.PENDING_PAYMENT)
    assert all(effective_status(o, now) == OrderStatus.PENDING_PAYMENT for o in pending)  # still payable
    assert TrackingEvent.objects.filter(description="快件已揽收").exists()
    # paid through the sandbox gateway: one successful payment per paid order, for exactly its amount
    for o in orders.exclude(paid_at=None):
        assert Payment.objects.filter(order=o, gateway="sandbox", amount_fen=o.payable_fen).exists()
    assert orders.filter(refunded_fen__gt=0).exists()
    assert not orders.filter(refunded_fen__gt=F("paid_fen")).exists()


def _stock_never_went_negative_and_matches_its_ledger() -> None:
    assert not Sku.objects.filter(stock__lt=0).exists()
    ledger = dict(StockMovement.objects.values("sku_id").annotate(s=Sum("delta")).values_list("sku_id", "s"))
    for sku in Sku.objects.all():
        assert sku.stock == ledger.get(sku.pk, 0), sku.pk
    # and every running balance along the ledger stayed at or above zero
    running: dict[int, int] = {}
    for sku_id, delta in StockMovement.objects.order_by("pk").values_list("sku_id", "delta"):
        running[sku_id] = running.get(sku_id, 0) + delta
        assert running[sku_id] >= 0


def _some_orders_are_credited_to_posts() -> None:
    credited = OrderLine.objects.exclude(post_id=None)
    assert credited.exists()
    assert credited.exclude(community_id=None).exists()


def _last_months_statements_reconcile() -> None:
    period = Period.month_before(local_date(timezone.now()))
    statements = SettlementStatement.objects.filter(period_start=period.start, period_end=period.end)
    assert statements.count() >= 3
    paid_in_period = OrderLine.objects.filter(order__paid_at__gte=period.start_at, order__paid_at__lt=period.end_at)\
        .exclude(order__merchant__is_platform=True)  # the platform's own sales (paid memberships) are not settled
    assert sum(s.sales_fen for s in statements) == (paid_in_period.aggregate(s=Sum("payable_fen"))["s"] or 0)
    for s in statements:
        lines = s.lines.all()
        assert s.net_fen == sum(ln.amount_fen - ln.commission_fen for ln in lines)
        assert s.sales_fen - s.refunds_fen - s.commission_fen == s.net_fen
