"""The must-show on PostgreSQL: a flash sale of 100 units with 2,000 concurrent attempts (400 members, 5 tries
each, limit 2 per member; 40 threads, each with its own connection, 50 attempts apiece) ends with exactly 100
orders, no member above the limit, and the stock never negative — sampled during the race by a watcher thread,
and held by the database's constraints. Once through the database gate, once through the Redis gate."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import pytest
from django.db import connection, connections

from quanzi.catalog.models import Sku
from quanzi.core.testing import race
from quanzi.growth.flashsale import counters
from quanzi.growth.flashsale.models import FlashItem, FlashMemberCount, FlashReservation
from quanzi.growth.flashsale.tests.helpers import REDIS_TEST_URL, buy, buyer, shop
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UNITS, MEMBERS, TRIES, THREADS, LIMIT = 100, 400, 5, 40, 2


def _gate(settings, gate: str) -> None:  # type: ignore[no-untyped-def]
    settings.REDIS_URL = REDIS_TEST_URL if gate == "redis" else ""
    if gate == "redis":
        client = counters.redis_client()
        assert client is not None
        try:
            client.ping()
        except Exception as exc:  # noqa: BLE001
            pytest.skip(f"no Redis: {exc}")
        client.flushdb()


@pytest.mark.parametrize("gate", ["database", "redis"])
def test_100_units_2000_attempts_exactly_100_orders(settings, gate):  # type: ignore[no-untyped-def]
    assert connection.vendor == "postgresql"
    _gate(settings, gate)
    s = shop(stock=UNITS + 50, allotment=UNITS, limit=LIMIT)
    members = [buyer() for _i in range(MEMBERS)]
    # a member's 5 tries sit next to each other, so they land on 5 threads at about the same moment
    attempts = [(m, uuid.uuid4().hex) for m in members for _t in range(TRIES)]
    per_thread = [attempts[i::THREADS] for i in range(THREADS)]
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    done = threading.Event()
    seen = {"min_stock": 10**9, "max_reserved": 0, "samples": 0}

    def worker(batch):  # type: ignore[no-untyped-def]
        def run() -> None:
            mine: Counter[str] = Counter()
            for member, key in batch:
                try:
                    buy(member, s.item, key=key)
                    mine["ok"] += 1
                except Exception as exc:  # noqa: BLE001 - counted by code, a crash shows as its type
                    mine[getattr(exc, "code", f"crash:{type(exc).__name__}:{exc}")] += 1
            with lock:
                outcomes.update(mine)
        return run

    def watcher() -> None:
        try:
            while not done.is_set():
                stock = Sku.objects.filter(pk=s.sku.pk).values_list("stock", flat=True).get()
                reserved = FlashItem.objects.filter(pk=s.item.pk).values_list("reserved", flat=True).get()
                seen["min_stock"] = min(seen["min_stock"], stock)
                seen["max_reserved"] = max(seen["max_reserved"], reserved)
                seen["samples"] += 1
                time.sleep(0.02)
        finally:
            connections.close_all()

    watch = threading.Thread(target=watcher)
    watch.start()
    started = time.monotonic()
    try:
        results = race([worker(batch) for batch in per_thread])
    finally:
        done.set()
        watch.join()
    elapsed = time.monotonic() - started
    assert results == ["ok"] * THREADS
    assert sum(outcomes.values()) == MEMBERS * TRIES
    assert set(outcomes) <= {"ok", "flashsale_sold_out", "flashsale_limit_reached"}, outcomes
    assert outcomes["ok"] == UNITS, outcomes
    assert Order.objects.filter(status=OrderStatus.PENDING_PAYMENT).count() == UNITS
    assert FlashReservation.objects.count() == UNITS
    per_member = Counter(FlashReservation.objects.values_list("user_id", flat=True))
    assert max(per_member.values()) <= LIMIT
    assert dict(FlashMemberCount.objects.filter(units__gt=0).values_list("user_id", "units")) == dict(per_member)
    item = FlashItem.objects.get(pk=s.item.pk)
    assert (item.allotment, item.reserved) == (UNITS, UNITS)
    assert Sku.objects.get(pk=s.sku.pk).stock == 50  # the normal stock, untouched
    assert seen["samples"] > 0 and seen["min_stock"] >= 0 and seen["max_reserved"] <= UNITS
    if gate == "redis":
        view = counters.redis_view(item_id=s.item.pk)
        assert view is not None and view["remaining"] == 0
    assert elapsed < 300, f"took {elapsed:.0f} s"
    print(f"\n{gate} gate: {MEMBERS * TRIES} attempts in {elapsed:.1f} s, outcomes {dict(outcomes)}, "
          f"watcher samples {seen['samples']}")
