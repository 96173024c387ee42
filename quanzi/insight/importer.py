"""`quanzi insight import`: a behaviour log from another system into the lake, with its original timestamps.

Where the rows go, and why: straight into the Parquet lake as their own source (`source = "import:<name>"`,
files `imp-<name>.parquet` in each day folder), not into the Django tables. The metrics read the lake and nothing
else, so imported history is analysed exactly like exported history; going through the services would need real
members, products and payments for every row of somebody else's log (a Taobao item is not a quanzi product), would
fire notifications, coupons and points for purchases made years ago, and would take minutes for what takes a
second here. Re-importing under the same name replaces that import's files (idempotent); other sources are never
touched. Imported ids (users, items, orders) are the other system's: keep imports in their own lake directory
(`--dir`), or shift ids (`--user-offset`), when they must not meet live members.

Formats:

- `taobao`: Alibaba's UserBehavior CSV, no header: user_id,item_id,category_id,behavior,timestamp (Unix seconds).
  pv -> product.view, cart -> cart.add, fav -> product.favourite (import-only name: quanzi favourites posts, not
  products; kept so that nothing is dropped, read by no metric), buy -> order.place + order.paid events and one
  paid order with one line (no price in the log: amount 0 fen).
- `csv`: any CSV with a header and a column mapping (`user_id=<col>,event=<col>,timestamp=<col>` required;
  `product_id`, `category_id`, `community_id`, `amount_fen`, `order_id` optional), an event-name mapping for the
  values of the event column (a value mapped to `buy` makes an order as above, with `amount_fen` when given), and a
  timestamp that is Unix seconds or ISO 8601.

Bad rows (wrong number of fields, an id that is not a positive integer, an unknown behaviour, an unreadable
timestamp) are counted by reason, with the first line numbers of each, and reported; never silently dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from quanzi.insight import lake

TAOBAO_EVENTS = {"pv": "product.view", "cart": "cart.add", "fav": "product.favourite", "buy": "buy"}
TAOBAO_COLUMNS = ["user_id", "product_id", "category_id", "event", "timestamp"]
BUY = "buy"  # the mapped name that makes a purchase (order.place + order.paid + an order)


@dataclass
class ImportReport:
    name: str
    rows: int = 0
    events: int = 0
    orders: int = 0
    bad: Counter[str] = field(default_factory=Counter)
    bad_lines: dict[str, list[int]] = field(default_factory=dict)  # reason -> first line numbers (1-based)

    @property
    def bad_rows(self) -> int:
        return sum(self.bad.values())

    def as_text(self) -> str:
        out = [f"import {self.name}: rows={self.rows} events={self.events} orders={self.orders} "
               f"bad={self.bad_rows}"]
        for reason, n in sorted(self.bad.items()):
            out.append(f"  bad {reason}: {n} (lines {', '.join(map(str, self.bad_lines[reason]))})")
        return "\n".join(out)


class ImportError_(ValueError):
    """The import as a whole cannot run (unknown format, missing mapping, unreadable file)."""


def parse_mapping(text: str) -> dict[str, str]:
    """`a=b,c=d` -> {"a": "b", "c": "d"}."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "=" not in part:
            raise ImportError_(f"mapping item {part!r} is not key=value")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _read_taobao(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """All fields as text, plus a mask of rows with the wrong number of fields."""
    rows: list[list[str]] = []
    wrong: list[bool] = []
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    # the fast path: pandas' C parser on well-formed lines; lines with another field count are found first
    lines = text.splitlines()
    counts = np.fromiter((ln.count(",") for ln in lines), dtype=np.int64, count=len(lines))
    wrong_mask = counts != 4
    if wrong_mask.any():
        for ln, w in zip(lines, wrong_mask, strict=True):
            rows.append(ln.split(",")[:5] + [""] * max(0, 5 - len(ln.split(","))) if w else ln.split(","))
            wrong.append(bool(w))
        df = pd.DataFrame(rows, columns=TAOBAO_COLUMNS)
        return df, pd.Series(wrong)
    df = pd.read_csv(io.StringIO(text), header=None, names=TAOBAO_COLUMNS, dtype=str, keep_default_na=False)
    return df, pd.Series(np.zeros(len(df), dtype=bool))


def _read_csv(path: Path, columns: dict[str, str]) -> tuple[pd.DataFrame, pd.Series]:
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise ImportError_("the file is empty")
        missing = [c for c in columns.values() if c not in header]
        if missing:
            raise ImportError_(f"columns not in the header: {missing}")
        idx = {ours: header.index(theirs) for ours, theirs in columns.items()}
        rows, wrong = [], []
        for rec in reader:
            ok = len(rec) == len(header)
            wrong.append(not ok)
            rows.append({ours: (rec[i] if ok and i < len(rec) else "") for ours, i in idx.items()})
    return pd.DataFrame(rows, columns=list(columns)), pd.Series(wrong, dtype=bool)


def _to_int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def import_log(path: Path | str, *, fmt: str = "taobao", name: str = "", columns: dict[str, str] | None = None,
               events: dict[str, str] | None = None, user_offset: int = 0, root: Path | None = None,
               max_bad_lines: int = 10) -> ImportReport:
    path = Path(path)
    name = name or re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-") or "log"
    if not re.fullmatch(r"[a-z0-9_-]{1,40}", name):
        raise ImportError_("the import name may hold only a-z, 0-9, _ and - (at most 40)")
    if not path.exists():
        raise ImportError_(f"no such file: {path}")
    if fmt == "taobao":
        df, wrong = _read_taobao(path)
        mapping = TAOBAO_EVENTS
    elif fmt == "csv":
        columns = columns or {}
        need = {"user_id", "event", "timestamp"} - set(columns)
        if need:
            raise ImportError_(f"the column mapping needs {sorted(need)}")
        allowed = {"user_id", "event", "timestamp", "product_id", "category_id", "community_id", "amount_fen",
                   "order_id"}
        if set(columns) - allowed:
            raise ImportError_(f"unknown mapped columns: {sorted(set(columns) - allowed)}")
        df, wrong = _read_csv(path, columns)
        mapping = events or {}
        if not mapping:
            raise ImportError_("the event mapping is empty (value=event.name,...; map purchases to 'buy')")
    else:
        raise ImportError_(f"unknown format {fmt!r} (taobao | csv)")

    report = ImportReport(name=name, rows=len(df))
    line_no = np.arange(1, len(df) + 1) + (1 if fmt == "csv" else 0)  # a CSV's first line is its header
    bad = pd.Series(np.full(len(df), "", dtype=object))

    def flag(mask: pd.Series, reason: str) -> None:
        mask = mask & (bad == "")
        bad[mask] = reason

    flag(wrong, "field_count")
    user = _to_int(df["user_id"])
    flag(user.isna() | (user <= 0), "user_id")
    for col in ("product_id", "category_id", "community_id", "order_id", "amount_fen"):
        if col in df:
            v = _to_int(df[col].replace("", np.nan))
            flag(df[col].ne("") & (v.isna() | (v < 0)), col)
    mapped = df["event"].map(mapping)
    flag(mapped.isna(), "event")
    raw_ts = df["timestamp"]
    secs = _to_int(raw_ts)
    ts = pd.to_datetime(secs, unit="s", errors="coerce")
    iso = secs.isna() & raw_ts.ne("")
    if iso.any():
        parsed = pd.to_datetime(raw_ts[iso], errors="coerce", utc=True, format="ISO8601")
        ts[iso] = parsed.dt.tz_convert(None)
    flag(ts.isna() | (ts.dt.year < 1990) | (ts.dt.year > 2100), "timestamp")

    for reason, n in bad[bad != ""].value_counts().items():
        report.bad[str(reason)] = int(n)
        report.bad_lines[str(reason)] = [int(x) for x in line_no[(bad == reason).to_numpy()][:max_bad_lines]]

    ok = (bad == "").to_numpy()
    g = pd.DataFrame({
        "line": line_no[ok],
        "user_id": user[ok].astype("int64") + user_offset,
        "name": mapped[ok].astype(str),
        "created_at": ts[ok].astype("datetime64[us]"),
    })
    for col in ("product_id", "category_id", "community_id", "order_id", "amount_fen"):
        g[col] = _to_int(df[col].replace("", np.nan))[ok].astype("Int64") if col in df else pd.array(
            [pd.NA] * len(g), dtype="Int64")
    g = g.reset_index(drop=True)
    src = f"import:{name}"

    # events: every row once; a purchase is two events (placed, paid) at the same moment
    buys = g[g["name"] == BUY].reset_index(drop=True)
    buys["oid"] = buys["order_id"].fillna(pd.Series(np.arange(1, len(buys) + 1), dtype="Int64")).astype("int64")
    plain = g[g["name"] != BUY]
    ev = pd.concat([
        plain.assign(id=plain["line"] * 2, order_id=plain["order_id"]),
        buys.assign(id=buys["line"] * 2, name="order.place", order_id=buys["oid"]),
        buys.assign(id=buys["line"] * 2 + 1, name="order.paid", order_id=buys["oid"]),
    ], ignore_index=True)
    n = len(ev)
    events_tbl = pa.table({
        "id": pa.array(ev["id"].to_numpy(np.int64)),
        "name": pa.array(ev["name"].astype(str).tolist(), pa.string()),
        "user_id": pa.array(ev["user_id"].to_numpy(np.int64)),
        "object_type": pa.array(np.where(ev["product_id"].notna().to_numpy(), "product", ""), pa.string()),
        "object_id": pa.array(ev["product_id"], pa.int64()),
        "community_id": pa.array(ev["community_id"], pa.int64()),
        "post_id": pa.nulls(n, pa.int64()),
        "product_id": pa.array(ev["product_id"], pa.int64()),
        "category_id": pa.array(ev["category_id"], pa.int64()),
        "order_id": pa.array(ev["order_id"], pa.int64()),
        "share_token": pa.array([""] * n, pa.string()),
        "props": pa.array(["{}"] * n, pa.string()),
        "created_at": pa.array(ev["created_at"].to_numpy(), lake.TS),
        "source": pa.array([src] * n, pa.string()),
        "_v": pa.array(np.zeros(n, np.int64)),
    })
    amount = buys["amount_fen"].fillna(0).astype("int64").to_numpy()
    m = len(buys)
    zeros = np.zeros(m, np.int64)
    paid_ts = pa.array(buys["created_at"].to_numpy(), lake.TS)
    orders_tbl = pa.table({
        "id": pa.array(buys["oid"].to_numpy(np.int64)), "user_id": pa.array(buys["user_id"].to_numpy(np.int64)),
        "merchant_id": pa.nulls(m, pa.int64()), "status": pa.array(["completed"] * m, pa.string()),
        "goods_fen": amount, "discount_fen": zeros, "payable_fen": amount, "paid_fen": amount,
        "refunded_fen": zeros, "commission_fen": zeros, "community_id": pa.array(buys["community_id"], pa.int64()),
        "created_at": paid_ts, "paid_at": paid_ts, "cancelled_at": pa.nulls(m, lake.TS),
        "source": pa.array([src] * m, pa.string()), "_v": zeros,
    })
    lines_tbl = pa.table({
        "id": pa.array(buys["oid"].to_numpy(np.int64)), "order_id": pa.array(buys["oid"].to_numpy(np.int64)),
        "user_id": pa.array(buys["user_id"].to_numpy(np.int64)), "product_id": pa.array(buys["product_id"], pa.int64()),
        "sku_id": pa.nulls(m, pa.int64()), "category_id": pa.array(buys["category_id"], pa.int64()),
        "quantity": np.ones(m, np.int64), "payable_fen": amount, "refunded_fen": zeros, "commission_fen": zeros,
        "post_id": pa.nulls(m, pa.int64()), "kol_id": pa.nulls(m, pa.int64()), "sharer_id": pa.nulls(m, pa.int64()),
        "community_id": pa.array(buys["community_id"], pa.int64()), "created_at": paid_ts, "paid_at": paid_ts,
        "source": pa.array([src] * m, pa.string()), "_v": zeros,
    })
    stem = f"imp-{name}"
    for table in ("events", "orders", "order_lines"):
        lake.remove_files(table, filename=f"{stem}.parquet", root=root)
    lake.write_partitioned("events", events_tbl, file_stem=stem, root=root)
    lake.write_partitioned("orders", orders_tbl, file_stem=stem, root=root)
    lake.write_partitioned("order_lines", lines_tbl, file_stem=stem, root=root)
    report.events, report.orders = n, m
    return report
