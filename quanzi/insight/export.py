"""The analytics export: the platform's tables, incrementally, into the Parquet lake (insight/lake.py).

Three ways a table is followed, by what its rows do:

- append-only (events, users, follows, comments, refunds, the commission ledger): by id. Each batch is the next
  `BATCH` rows with id > watermark; its files are named after the watermark it started from (`b-<after_id>`).
- rows that change and carry a change stamp (orders with their lines, posts): by (updated_at, id). A changed row
  is written again; the view keeps its latest version (`_v` = the row's updated_at in microseconds). Files are
  named `b-<stamp>-<after_id>` of the batch start.
- rows that change with no stamp (memberships): a full pass each run, by id, stamped with the run; when the pass
  is complete the files of earlier passes are removed.

Why a re-run after a crash neither duplicates nor loses rows: the watermark moves only after the batch's files
are renamed into place. A crash before that repeats the batch from the same start, so it writes files of the same
names; the repeated batch holds every row the crashed one held (rows are read in key order from the same start,
and a bigger batch is a superset), so the rename replaces them. A row that changed in between is written again
with a higher `_v` and the view keeps that one.

One export runs at a time (a file lock in the lake folder); a second one waits its turn and then finds no new rows.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quanzi.accounts import selectors as accounts_selectors
from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities import selectors as communities_selectors
from quanzi.content import selectors as content_selectors
from quanzi.core import events as core_events
from quanzi.insight import lake
from quanzi.insight.models import ExportWatermark
from quanzi.orders import selectors as orders_selectors
from quanzi.referrals.distribution import selectors as distribution_selectors

log = logging.getLogger(__name__)
SOURCE = "quanzi"


def naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def micros(value: dt.datetime) -> int:
    v = naive_utc(value)
    assert v is not None
    return (v - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)  # exact: no float on the way


# --- row shaping (Django values() -> lake columns) ---------------------------------------------------------------


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def shape_events(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        props = r["props"] or {}
        obj = r["object_type"]
        post_id = r["object_id"] if obj == "post" else _int(props.get("post_id"))
        product_id = r["object_id"] if obj == "product" else _int(props.get("product_id"))
        out.append({"id": r["id"], "name": r["name"], "user_id": r["user_id"], "object_type": obj,
                    "object_id": r["object_id"], "community_id": r["community_id"], "post_id": post_id,
                    "product_id": product_id, "category_id": None,
                    "order_id": r["object_id"] if obj == "order" else _int(props.get("order_id")),
                    "share_token": r["share_token"],
                    "props": json.dumps(props, ensure_ascii=False, sort_keys=True),
                    "created_at": naive_utc(r["created_at"]), "source": SOURCE, "_v": 0})
    categories = catalog_selectors.product_category_ids(
        product_ids={r["product_id"] for r in out if r["product_id"] is not None})
    for r in out:
        r["category_id"] = categories.get(r["product_id"]) if r["product_id"] is not None else None
    return out


def shape_plain(rows: list[dict[str, Any]], rename: dict[str, str] | None = None) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        row = {(rename or {}).get(k, k): (naive_utc(v) if isinstance(v, dt.datetime) else v) for k, v in r.items()}
        row["source"] = SOURCE
        row["_v"] = 0
        out.append(row)
    return out


# --- the three ways --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppendOnly:
    table: str
    read: Callable[[int, int], list[dict[str, Any]]]  # (after_id, limit) -> rows in id order
    shape: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]

    def run(self, wm: ExportWatermark, batch: int) -> int:
        total = 0
        while True:
            rows = self.read(wm.last_id, batch)
            if not rows:
                return total
            lake.write_partitioned(self.table, self.shape(rows), file_stem=f"b-{wm.last_id:015d}")
            _advance(wm, last_id=rows[-1]["id"], rows=len(rows))
            total += len(rows)
            if len(rows) < batch:
                return total


def _read_posts(stamp: dt.datetime | None, after_id: int, limit: int) -> list[dict[str, Any]]:
    return content_selectors.post_rows_changed_after(stamp=stamp, after_id=after_id, limit=limit)


def _read_orders(stamp: dt.datetime | None, after_id: int, limit: int) -> list[dict[str, Any]]:
    return orders_selectors.order_rows_changed_after(stamp=stamp, after_id=after_id, limit=limit)


def _write_posts(rows: list[dict[str, Any]], stem: str) -> None:
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if k != "updated_at"}
        row.update(created_at=naive_utc(r["created_at"]), source=SOURCE, _v=micros(r["updated_at"]))
        out.append(row)
    lake.write_partitioned("posts", out, file_stem=stem)


def _write_orders(rows: list[dict[str, Any]], stem: str) -> None:
    """Orders and their lines (a line changes with its order: refunds, cancellations), same version stamp."""
    by_id = {r["id"]: r for r in rows}
    lines = orders_selectors.order_line_rows(order_ids=list(by_id))
    categories = catalog_selectors.product_category_ids(product_ids={ln["product_id"] for ln in lines})
    community_of: dict[int, int] = {}
    out_lines = []
    for ln in lines:
        order = by_id[ln["order_id"]]
        if ln["community_id"] is not None:
            community_of.setdefault(ln["order_id"], ln["community_id"])
        out_lines.append({**ln, "user_id": order["buyer_id"], "category_id": categories.get(ln["product_id"]),
                          "created_at": naive_utc(order["created_at"]), "paid_at": naive_utc(order["paid_at"]),
                          "source": SOURCE, "_v": micros(order["updated_at"])})
    out_orders = []
    for r in rows:
        out_orders.append({
            "id": r["id"], "user_id": r["buyer_id"], "merchant_id": r["merchant_id"], "status": r["status"],
            "goods_fen": r["goods_fen"], "discount_fen": r["discount_fen"], "payable_fen": r["payable_fen"],
            "paid_fen": r["paid_fen"], "refunded_fen": r["refunded_fen"], "commission_fen": r["commission_fen"],
            "community_id": community_of.get(r["id"]), "created_at": naive_utc(r["created_at"]),
            "paid_at": naive_utc(r["paid_at"]), "cancelled_at": naive_utc(r["cancelled_at"]), "source": SOURCE,
            "_v": micros(r["updated_at"])})
    # lines first: a crash between the two repeats the batch, and the order row is what a reader joins from
    lake.write_partitioned("order_lines", out_lines, file_stem=stem)
    lake.write_partitioned("orders", out_orders, file_stem=stem)


@dataclass(frozen=True)
class ChangeStamped:
    table: str
    read: Callable[[dt.datetime | None, int, int], list[dict[str, Any]]]
    write: Callable[[list[dict[str, Any]], str], None]

    def run(self, wm: ExportWatermark, batch: int) -> int:
        total = 0
        while True:
            rows = self.read(wm.last_stamp, wm.last_id, batch)
            if not rows:
                return total
            start = micros(wm.last_stamp) if wm.last_stamp else 0
            self.write(rows, f"b-{start:017d}-{wm.last_id:015d}")
            _advance(wm, last_id=rows[-1]["id"], stamp=rows[-1]["updated_at"], rows=len(rows))
            total += len(rows)
            if len(rows) < batch:
                return total


@dataclass(frozen=True)
class FullPass:
    table: str
    read: Callable[[int, int], list[dict[str, Any]]]

    def run(self, wm: ExportWatermark, batch: int) -> int:
        run = time.time_ns() // 1000
        after, total = 0, 0
        while True:
            rows = self.read(after, batch)
            if not rows:
                break
            shaped = shape_plain(rows)
            for r in shaped:
                r["_v"] = run
            lake.write_partitioned(self.table, shaped, file_stem=f"snap-{run}-{after:015d}")
            after = rows[-1]["id"]
            total += len(rows)
            if len(rows) < batch:
                break
        # the pass is whole: earlier passes' files go (their rows are all in this one, or were deleted)
        for f in lake.files(self.table):
            if f.name.startswith("snap-") and not f.name.startswith(f"snap-{run}-"):
                f.unlink()
        _advance(wm, last_id=after, rows=total)
        return total


def _advance(wm: ExportWatermark, *, last_id: int, rows: int, stamp: dt.datetime | None = None) -> None:
    with transaction.atomic():
        wm.last_id = last_id
        if stamp is not None:
            wm.last_stamp = stamp
        wm.rows_exported += rows
        wm.last_run_at = timezone.now()
        wm.save(update_fields=["last_id", "last_stamp", "rows_exported", "last_run_at"])


_EXPORT_LIST: list[AppendOnly | ChangeStamped | FullPass] = [
    AppendOnly("events", lambda a, n: core_events.event_rows_after(after_id=a, limit=n), shape_events),
    AppendOnly("users", lambda a, n: accounts_selectors.user_rows_after(after_id=a, limit=n),
               lambda rows: shape_plain(rows, {"date_joined": "created_at"})),
    AppendOnly("follows", lambda a, n: accounts_selectors.follow_rows_after(after_id=a, limit=n), shape_plain),
    AppendOnly("comments", lambda a, n: content_selectors.comment_rows_after(after_id=a, limit=n),
               lambda rows: shape_plain(rows, {"post__community_id": "community_id"})),
    AppendOnly("refunds", lambda a, n: orders_selectors.order_refund_rows_after(after_id=a, limit=n), shape_plain),
    AppendOnly("commissions", lambda a, n: distribution_selectors.commission_rows_after(after_id=a, limit=n),
               lambda rows: shape_plain(rows, {"promoter__user_id": "user_id"})),
    ChangeStamped("orders", _read_orders, _write_orders),  # and order_lines
    ChangeStamped("posts", _read_posts, _write_posts),
    FullPass("memberships", lambda a, n: communities_selectors.membership_rows_after(after_id=a, limit=n)),
]
EXPORTS: dict[str, AppendOnly | ChangeStamped | FullPass] = {e.table: e for e in _EXPORT_LIST}


@contextmanager
def export_lock() -> Iterator[None]:
    root = lake.lake_dir()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".export.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run_export(*, tables: list[str] | None = None, batch: int | None = None) -> dict[str, int]:
    """Export what is new since the last run; returns rows written per table. Safe to call at any time, any number
    of times (the hourly job, `quanzi insight export`, the dashboard's refresh button)."""
    batch = batch or int(settings.QUANZI_INSIGHT["BATCH"])
    unknown = set(tables or []) - set(EXPORTS)
    if unknown:
        raise ValueError(f"unknown tables: {sorted(unknown)}")
    out: dict[str, int] = {}
    with export_lock():
        for name, export in EXPORTS.items():
            if tables and name not in tables:
                continue
            wm, _ = ExportWatermark.objects.get_or_create(table=name)
            out[name] = export.run(wm, batch)
    log.info("insight export: %s", out)
    return out
