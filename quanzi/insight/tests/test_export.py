"""The export: everything new reaches the lake once, a re-run adds nothing, a crash mid-way loses and duplicates
nothing, a changed order is seen in its latest state, nothing personal is exported."""

from __future__ import annotations

from unittest import mock

import pyarrow.parquet as pq
import pytest

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.core.events import track
from quanzi.insight import export, lake, selectors
from quanzi.settlements.tests.helpers import at, paid_order, refund

pytestmark = pytest.mark.django_db


def _world():  # type: ignore[no-untyped-def]
    owner, buyer = make_user("群主"), make_user("买家")
    c = f.community(owner)
    f.add_member(c, buyer)
    post = f.post(c, owner)
    merchant = f.approved_merchant()
    _product, sku = f.product_with_sku(merchant, price_fen=5000, stock=20)
    for i in range(5):
        track("post.view", user=buyer, obj=post, community_id=c.pk, at=at(2026, 3, 1 + i))
    order = paid_order(buyer, [(sku, 2)], at(2026, 3, 2))
    return c, buyer, order


def _count(con, table: str) -> int:  # type: ignore[no-untyped-def]
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_export_is_incremental_idempotent_and_keeps_the_latest_order(lake_root):
    c, buyer, order = _world()
    first = export.run_export(batch=3)
    assert first["orders"] == 1 and first["posts"] == 1 and first["memberships"] == 2
    con = selectors.connect()
    n_events = _count(con, "events")
    assert n_events >= 5 + 2  # the views plus the order's own events
    assert con.execute("SELECT status, paid_fen FROM orders").fetchall() == [("paid", order.paid_fen)]
    assert con.execute("SELECT user_id, quantity FROM order_lines").fetchall() == [(buyer.pk, 2)]
    assert _count(con, "memberships") == 2 and _count(con, "posts") == 1
    days = {p.parent.name for p in lake.files("events")}
    assert {"dt=2026-03-01", "dt=2026-03-05"} <= days  # partitioned by the event's day

    again = export.run_export(batch=3)
    # nothing new: only the membership pass reads its (unchanged) rows again
    assert {k: v for k, v in again.items() if k != "memberships"} == dict.fromkeys(again.keys() - {"memberships"}, 0)
    assert _count(selectors.connect(), "events") == n_events

    refund(order, 3000, at(2026, 3, 4))
    export.run_export(batch=3)
    con = selectors.connect()
    assert con.execute("SELECT status, refunded_fen FROM orders").fetchall()[0][1] == 3000
    assert _count(con, "orders") == 1  # the latest version only
    assert _count(con, "refunds") == 1


def test_a_crash_between_the_files_and_the_watermark_repeats_the_batch_without_duplicates(lake_root):
    _world()
    real = export._advance
    calls = {"n": 0}

    def crash_on_second(*args, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(*args, **kw)

    with mock.patch.object(export, "_advance", crash_on_second), pytest.raises(RuntimeError):
        export.run_export(tables=["events"], batch=2)
    # more events arrive before the re-run: the repeated batch is bigger than the crashed one
    newcomer = make_user("新人")
    track("user.login", user=newcomer, obj=newcomer, at=at(2026, 3, 2, 13))
    export.run_export(tables=["events"], batch=4)
    con = selectors.connect()
    total, distinct = con.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone()
    from quanzi.core.models import Event

    assert total == distinct == Event.objects.count()


def test_no_personal_column_is_exported(lake_root):
    _world()
    export.run_export()
    for name in lake.TABLES:
        for path in lake.files(name):
            cols = set(pq.read_schema(path).names)
            assert not cols & {"phone", "ship_phone", "nickname", "name_", "ship_name", "ship_address", "note",
                               "password", "body", "title"}, (name, cols)
    assert set(pq.read_schema(lake.files("users")[0]).names) == {"id", "created_at", "source", "_v"}


def test_unknown_table_is_refused(lake_root):
    with pytest.raises(ValueError):
        export.run_export(tables=["nope"])
