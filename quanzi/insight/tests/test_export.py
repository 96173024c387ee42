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


def _rollup_and_log(con):  # type: ignore[no-untyped-def]
    """The `event_days` rollup summed over its files, and the same figures counted from the event log."""
    rollup = con.execute("SELECT day, community_id, user_id, name, post_id, sum(n) FROM event_days "
                         "GROUP BY ALL ORDER BY ALL").fetchall()
    log = con.execute("SELECT CAST(created_at AS DATE), community_id, user_id, name, post_id, count(*) FROM events "
                      "GROUP BY ALL ORDER BY ALL").fetchall()
    return rollup, log


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
    # the rollup is written per batch beside the events (several files hold pieces of the same user-day)
    rollup, log = _rollup_and_log(con)
    assert rollup == log and sum(r[-1] for r in rollup) == n_events
    assert len(lake.files("event_days")) == len(lake.files("events")) > 1

    again = export.run_export(batch=3)
    # nothing new: only the membership pass reads its (unchanged) rows again
    assert {k: v for k, v in again.items() if k != "memberships"} == dict.fromkeys(again.keys() - {"memberships"}, 0)
    assert _count(selectors.connect(), "events") == n_events
    assert _rollup_and_log(selectors.connect())[0] == log  # a re-run adds nothing to the rollup either

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
    # the repeated batch overwrote its rollup files too: every event counted once there as well
    rollup, log = _rollup_and_log(con)
    assert rollup == log and sum(r[-1] for r in rollup) == total


def test_the_rollup_follows_more_events_of_the_same_user_day_in_a_later_export(lake_root):
    c, buyer, _order = _world()
    export.run_export(tables=["events"], batch=100)
    post = f.post(c, buyer)
    for _ in range(3):  # the same user, day and event name as rows already exported, in a later batch
        track("post.view", user=buyer, obj=post, community_id=c.pk, at=at(2026, 3, 1, 18))
    export.run_export(tables=["events"], batch=100)
    con = selectors.connect()
    rollup, log = _rollup_and_log(con)
    assert rollup == log
    views = con.execute("SELECT sum(n) FROM event_days WHERE name = 'post.view' AND day = DATE '2026-03-01' "
                        "AND user_id = ?", [buyer.pk]).fetchone()[0]
    assert views == 1 + 3


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


def test_the_commission_ledger_is_exported_incrementally_and_shows_in_the_kol_effect(lake_root):
    import datetime as dt

    from quanzi.referrals.distribution import kol_selectors
    from quanzi.referrals.distribution import services as distribution
    from quanzi.referrals.distribution.tests.helpers import line, order_id

    buyer, kol = make_user("买家"), make_user("达人")
    sold = line(10000, kol_id=kol.pk)
    oid = order_id()
    assert distribution.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[sold])
    assert export.run_export(tables=["commissions"])["commissions"] >= 1
    distribution.commission_reverse(order_id=oid, moment_id=1, lines={sold.line_id: 5000})  # half refunded
    assert export.run_export(tables=["commissions"])["commissions"] >= 1  # only the new entries
    assert export.run_export(tables=["commissions"])["commissions"] == 0

    earned = sum(kol_selectors.commission_by_line(user_id=kol.pk, order_line_ids=[sold.line_id]).values())
    assert 0 < earned < 10000
    con = selectors.connect()
    total, distinct, net = con.execute("SELECT count(*), count(DISTINCT id), sum(amount_fen) FROM commissions "
                                       "WHERE kind IN ('accrue', 'reverse')").fetchone()
    assert total == distinct == 2 and net == earned  # the accrual and its reversal, each once
    today = dt.datetime.now(dt.UTC).date()
    res = selectors.metric_result("kol_effect", date_from=today - dt.timedelta(days=1),
                                  date_to=today + dt.timedelta(days=1), kol_id=kol.pk)
    assert res.as_dicts()[0]["kol_commission_fen"] == earned
