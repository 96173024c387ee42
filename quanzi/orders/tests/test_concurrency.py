"""Stock under concurrent checkouts. Marked postgres: skipped on SQLite (which serialises writers anyway)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connections
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.catalog.enums import StockReason
from quanzi.catalog.models import Sku, StockMovement
from quanzi.catalog.tests import factories as f
from quanzi.core.testing import race as _race
from quanzi.orders import services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import address, key, place

pytestmark = pytest.mark.django_db(transaction=True)


def _buyers(n: int) -> list[User]:
    return [User.objects.create(phone=f"1370000{i:04d}", nickname=f"买家{i}") for i in range(n)]




def _min_stock_seen(sku_id: int, stop: threading.Event, seen: list[int]) -> None:
    try:
        while not stop.is_set():
            seen.append(Sku.objects.values_list("stock", flat=True).get(pk=sku_id))
    finally:
        connections.close_all()


@pytest.mark.postgres
def test_fifty_buyers_racing_for_ten_units_get_exactly_ten_orders():
    _p, sku = f.product_with_sku(f.approved_merchant(), stock=10)
    buyers = _buyers(50)
    addresses = {b.pk: address(b).pk for b in buyers}
    stop, seen = threading.Event(), []  # type: ignore[var-annotated]
    watcher = threading.Thread(target=_min_stock_seen, args=(sku.pk, stop, seen))
    watcher.start()
    results = _race([
        lambda b=b: services.order_place(user=b, address_id=addresses[b.pk], idempotency_key=key(),
                                         items=[(sku.pk, 1)])
        for b in buyers
    ])
    stop.set()
    watcher.join()
    assert results.count("ok") == 10, results
    assert set(results) == {"ok", "out_of_stock"}
    assert Order.objects.count() == 10 and Order.objects.values("buyer").distinct().count() == 10
    assert Sku.objects.get(pk=sku.pk).stock == 0
    assert seen and min(seen) >= 0
    assert sum(StockMovement.objects.filter(sku=sku, reason=StockReason.RESERVE).values_list("delta", flat=True)) \
        == -10


@pytest.mark.postgres
def test_expired_reservations_come_back_exactly_once_while_buyers_race():
    _p, sku = f.product_with_sku(f.approved_merchant(), stock=5)
    holders = _buyers(5)
    for h in holders:
        place(h, [(sku.pk, 1)])
    Order.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Sku.objects.get(pk=sku.pk).stock == 0
    buyers = [User.objects.create(phone=f"1360000{i:04d}", nickname=f"新买家{i}") for i in range(20)]
    addresses = {b.pk: address(b).pk for b in buyers}
    results = _race([
        lambda b=b: services.order_place(user=b, address_id=addresses[b.pk], idempotency_key=key(),
                                         items=[(sku.pk, 1)])
        for b in buyers
    ])
    assert results.count("ok") == 5, results
    assert set(results) <= {"ok", "out_of_stock"}
    assert Order.objects.filter(buyer__in=holders, status=OrderStatus.CANCELLED).count() == 5
    assert StockMovement.objects.filter(sku=sku, reason=StockReason.RELEASE).count() == 5
    assert Sku.objects.get(pk=sku.pk).stock == 0


@pytest.mark.postgres
def test_the_same_idempotency_key_sent_ten_times_in_parallel_places_once():
    _p, sku = f.product_with_sku(f.approved_merchant(), stock=10)
    buyer = _buyers(1)[0]
    addr = address(buyer).pk
    k = key()
    results = _race([
        lambda: services.order_place(user=buyer, address_id=addr, idempotency_key=k, items=[(sku.pk, 1)])
        for _ in range(10)
    ])
    assert results == ["ok"] * 10
    assert Order.objects.count() == 1 and Sku.objects.get(pk=sku.pk).stock == 9


@pytest.mark.postgres
def test_concurrent_refunds_never_exceed_the_payment():
    _p, sku = f.product_with_sku(f.approved_merchant(), price_fen=5000, stock=10)
    buyer = _buyers(1)[0]
    o = place(buyer, [(sku.pk, 1)]).orders.get()
    services.order_mark_paid(order_id=o.pk, amount_fen=5000, payment_ref="p-1")
    results = _race([
        lambda i=i: services.order_record_refund(order_id=o.pk, amount_fen=3000, refund_ref=f"rf-{i}")
        for i in range(2)
    ])
    assert sorted(results) == ["ok", "refund_exceeds_paid"]
    o.refresh_from_db()
    assert o.refunded_fen == 3000 and o.status == OrderStatus.PARTIALLY_REFUNDED


@pytest.mark.postgres
def test_concurrent_cancels_before_shipment_and_a_full_refund_return_each_unit_once():
    _p, sku = f.product_with_sku(f.approved_merchant(), price_fen=1000, stock=10)
    buyer = _buyers(1)[0]
    o = place(buyer, [(sku.pk, 3)]).orders.get()
    services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref="p-1")
    line = o.lines.get()
    assert Sku.objects.get(pk=sku.pk).stock == 7
    races: list[Callable[[], object]] = [
        lambda i=i: services.order_lines_cancel_unshipped(order_id=o.pk, lines=[(line.pk, 2)], ref=f"AS-{i}")
        for i in range(4)
    ]
    races += [lambda: services.order_lines_cancel_unshipped(order_id=o.pk, lines=[(line.pk, 2)], ref="AS-0")]
    races += [lambda: services.order_record_refund(order_id=o.pk, amount_fen=o.payable_fen, refund_ref="rf-all")]
    results = _race(races)
    assert not [r for r in results if r.startswith("crash")], results
    assert Sku.objects.get(pk=sku.pk).stock == 10  # every unit back, none twice
    assert sum(StockMovement.objects.filter(sku=sku, order_id=o.pk).values_list("delta", flat=True)) == 0
