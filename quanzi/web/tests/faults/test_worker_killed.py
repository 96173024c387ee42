"""Fault: a web worker is killed (SIGKILL, no clean-up of any kind) in the middle of a checkout — after the stock
was reserved and the orders written, before the commit — and gunicorn's master starts a new one.

Must hold: no order is lost or doubled, the SKU's stock equals the sum of its ledger, no lock is left behind, and a
retry with the same idempotency key places the checkout once; every later retry answers that one checkout, and
the same key with another body answers 422 `idempotency_key_reused`.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from conftest import make_user
from quanzi.accounts.services import token_create
from quanzi.catalog.models import Sku, StockMovement
from quanzi.catalog.tests import factories
from quanzi.orders.models import CheckoutSession, Order
from quanzi.orders.tests.helpers import address
from quanzi.web.tests.faults import servers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONFIG = str(Path(__file__).with_name("gunicorn_block_checkout.py"))


def _stock_and_ledger(sku_id: int) -> tuple[int, int]:
    stock = Sku.objects.get(pk=sku_id).stock
    ledger = StockMovement.objects.filter(sku_id=sku_id).aggregate(t=Sum("delta"))["t"] or 0
    return stock, ledger


def _open_transactions() -> int:
    """Sessions of the test database idle in a transaction (a killed worker's would hold the SKU's row lock)."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()")
        return int(cur.fetchone()[0])


def test_worker_killed_between_stock_reservation_and_commit(tmp_path: Path) -> None:
    buyer = make_user("买家")
    merchant = factories.approved_merchant()
    _, sku = factories.product_with_sku(merchant, stock=10, price_fen=2500)
    addr = address(buyer)
    auth = {"Authorization": f"Bearer {token_create(user=buyer)}"}
    arm, ready = tmp_path / "arm", tmp_path / "ready"
    arm.write_text("1")
    env = servers.quanzi_env(database_url=servers.django_database_url(), var_dir=str(tmp_path / "var"),
                             extra={"QUANZI_FAULT_ARM": str(arm), "QUANZI_FAULT_READY": str(ready)})
    key = uuid.uuid4().hex
    body = {"address_id": addr.pk, "items": [{"sku_id": sku.pk, "quantity": 2}], "idempotency_key": key}
    outcome: dict[str, Any] = {}

    def first_attempt() -> None:
        try:
            outcome["answer"] = servers.call(base, "POST", "/api/v1/orders/checkout", body, auth, timeout=60)
        except OSError as exc:  # the worker died under the request: the client sees the connection cut
            outcome["error"] = exc

    with servers.gunicorn(env, workers=1, threads=2, config=CONFIG, log=tmp_path / "gunicorn.log") as (base, master):
        thread = threading.Thread(target=first_attempt)
        thread.start()
        pid = int(servers.wait_for(lambda: ready.exists() and ready.read_text(), seconds=60,
                                   what="the checkout reaching the point between reservation and commit"))
        assert pid != master.pid
        # the reservation is made but not committed: nobody else sees it yet
        assert _stock_and_ledger(sku.pk) == (10, 10)
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert "error" in outcome or outcome["answer"][0] >= 500, outcome

        # PostgreSQL rolled the dead worker's transaction back: nothing of it is left, not even a lock
        servers.wait_for(lambda: _open_transactions() == 0, seconds=30, what="the killed session ending")
        assert not CheckoutSession.objects.filter(idempotency_key=key).exists()
        assert Order.objects.filter(buyer=buyer).count() == 0
        assert _stock_and_ledger(sku.pk) == (10, 10)

        # the master has started a new worker; the client retries with the same key
        started = time.monotonic()
        status, answer = servers.wait_for(
            lambda: _try(base, body, auth), seconds=60, what="a new worker answering the retry")
        assert status == 201, answer
        checkout_id = answer["id"]
        assert len(answer["orders"]) == 1 and answer["orders"][0]["lines"][0]["quantity"] == 2
        for _ in range(2):  # later retries (a client that never saw the answer) get the same checkout
            status, again = servers.call(base, "POST", "/api/v1/orders/checkout", body, auth)
            assert status == 201 and again["id"] == checkout_id
            assert [o["id"] for o in again["orders"]] == [o["id"] for o in answer["orders"]]
        changed = {**body, "items": [{"sku_id": sku.pk, "quantity": 3}]}
        status, refused = servers.call(base, "POST", "/api/v1/orders/checkout", changed, auth)
        assert status == 422 and refused["code"] == "idempotency_key_reused" and refused["message"], refused
        recovery_s = time.monotonic() - started

    assert CheckoutSession.objects.filter(buyer=buyer).count() == 1
    assert Order.objects.filter(buyer=buyer).count() == 1
    assert _stock_and_ledger(sku.pk) == (8, 8)
    print(f"faults: worker_killed recovery_s={recovery_s:.2f} orders=1 stock=8 ledger=8")


def _try(base: str, body: dict[str, Any], auth: dict[str, str]) -> tuple[int, Any] | None:
    try:
        status, answer = servers.call(base, "POST", "/api/v1/orders/checkout", body, auth, timeout=30)
    except OSError:
        return None
    return (status, answer) if status < 500 else None
