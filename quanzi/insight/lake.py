"""The Parquet store ("lake") the metrics read: its tables, their columns, where their files are, and the views.

Layout under `settings.QUANZI_INSIGHT["DIR"]` (Hive-style, so DuckDB, Spark and pandas all read it as is):

    <table>/dt=YYYY-MM-DD/<file>.parquet

`dt` is the day (UTC) of the row's `created_at`. A file is written to a temporary name and renamed, so a reader
never sees half a file. File names are deterministic (the export batch's start, or the import's name), so a re-run
after a crash overwrites what the crashed run left instead of adding a copy (export.py explains why that is enough).

Tables whose rows change after they are written (an order gets paid, a post removed) are exported again when they
change; the view keeps the latest version of each row (`_v`, the row's change stamp). Append-only tables (events,
follows, refunds, comments, users) have one version per row. `source` tells exported rows ("quanzi") from
imported history ("import:<name>"); row identity is (source, id).

No personal columns are exported: no phone, name, address or free text (users: id and sign-up time only).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

TS = pa.timestamp("us")  # naive UTC everywhere in the lake


@dataclass(frozen=True)
class Table:
    name: str
    schema: pa.Schema
    versioned: bool = False  # rows may be re-exported; the view keeps the highest `_v` per (source, id)
    day_column: str = "created_at"  # the column whose UTC day names the partition (dt=YYYY-MM-DD)


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(n, t) for n, t in fields] + [pa.field("source", pa.string()),
                                                             pa.field("_v", pa.int64())])


TABLES: dict[str, Table] = {t.name: t for t in [
    Table("events", _schema(
        ("id", pa.int64()), ("name", pa.string()), ("user_id", pa.int64()), ("object_type", pa.string()),
        ("object_id", pa.int64()), ("community_id", pa.int64()),
        # lifted out of props for the metrics: the post, product and order an event is about (object or prop)
        ("post_id", pa.int64()), ("product_id", pa.int64()), ("category_id", pa.int64()), ("order_id", pa.int64()),
        ("share_token", pa.string()), ("props", pa.string()), ("created_at", TS))),
    Table("orders", _schema(
        ("id", pa.int64()), ("user_id", pa.int64()), ("merchant_id", pa.int64()), ("status", pa.string()),
        ("goods_fen", pa.int64()), ("discount_fen", pa.int64()), ("payable_fen", pa.int64()),
        ("paid_fen", pa.int64()), ("refunded_fen", pa.int64()), ("commission_fen", pa.int64()),
        # the community the order is credited to: its first credited line's (order_lines.community_id)
        ("community_id", pa.int64()), ("created_at", TS), ("paid_at", TS), ("cancelled_at", TS)), versioned=True),
    Table("order_lines", _schema(
        ("id", pa.int64()), ("order_id", pa.int64()), ("user_id", pa.int64()), ("product_id", pa.int64()),
        ("sku_id", pa.int64()), ("category_id", pa.int64()), ("quantity", pa.int64()),
        ("payable_fen", pa.int64()), ("refunded_fen", pa.int64()), ("commission_fen", pa.int64()),
        ("post_id", pa.int64()), ("kol_id", pa.int64()), ("sharer_id", pa.int64()), ("community_id", pa.int64()),
        ("created_at", TS), ("paid_at", TS)), versioned=True),
    Table("memberships", _schema(
        ("id", pa.int64()), ("community_id", pa.int64()), ("user_id", pa.int64()), ("role", pa.string()),
        ("status", pa.string()), ("invited_by_id", pa.int64()), ("joined_at", TS), ("created_at", TS)),
        versioned=True),
    Table("posts", _schema(
        ("id", pa.int64()), ("community_id", pa.int64()), ("author_id", pa.int64()), ("kind", pa.string()),
        ("status", pa.string()), ("created_at", TS)), versioned=True),
    Table("comments", _schema(
        ("id", pa.int64()), ("post_id", pa.int64()), ("community_id", pa.int64()), ("author_id", pa.int64()),
        ("parent_id", pa.int64()), ("created_at", TS))),
    Table("users", _schema(("id", pa.int64()), ("created_at", TS))),
    Table("follows", _schema(
        ("id", pa.int64()), ("follower_id", pa.int64()), ("followee_id", pa.int64()), ("created_at", TS))),
    Table("refunds", _schema(
        ("id", pa.int64()), ("order_id", pa.int64()), ("amount_fen", pa.int64()), ("created_at", TS))),
    # the distribution ledger (referrals): commission per promoter (user_id) and order line; + accrued, - reversed
    Table("commissions", _schema(
        ("id", pa.int64()), ("user_id", pa.int64()), ("kind", pa.string()), ("bucket", pa.string()),
        ("amount_fen", pa.int64()), ("order_id", pa.int64()), ("order_line_id", pa.int64()), ("level", pa.int64()),
        ("community_id", pa.int64()), ("is_kol", pa.bool_()), ("created_at", TS))),
    # the rollup of `events` (EVENT_DAYS_SQL), written beside every events file by write_partitioned
    Table("event_days", _schema(
        ("day", pa.date32()), ("community_id", pa.int64()), ("user_id", pa.int64()), ("name", pa.string()),
        ("post_id", pa.int64()), ("n", pa.int64())), day_column="day"),
]}

# `event_days`: the event log rolled up to one row per day, community, user, event name and post, with the number
# of events `n` -- what every metric but one reads from the log (who did what on which day, how often), about 8
# times fewer rows than events on the Taobao replay. It is written from the same rows as each events file, under
# the same file name (write_partitioned), so it follows the export's batches: a repeated batch overwrites both its
# events files and its rollup files, and the rollup is never ahead of or behind the log it sums. The same
# (day, community, user, name, post) may appear in several files (several batches, or an import and the export):
# readers sum `n` and count distinct users, which is the same over the pieces as over the whole.
EVENT_DAYS_SQL = """
SELECT CAST(created_at AS DATE) AS day, community_id, user_id, name, post_id, count(*) AS n, source,
       CAST(0 AS BIGINT) AS _v
FROM {events}
GROUP BY CAST(created_at AS DATE), community_id, user_id, name, post_id, source
ORDER BY day, user_id, name
"""


def event_days_of(events: pa.Table) -> pa.Table:
    """The `event_days` rollup of a batch of event rows (EVENT_DAYS_SQL, run by DuckDB over the Arrow table)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads = 1")
        con.register("batch", events)
        return con.sql(EVENT_DAYS_SQL.format(events="batch")).to_arrow_table()
    finally:
        con.close()


def lake_dir() -> Path:
    return Path(settings.QUANZI_INSIGHT["DIR"])


def table_dir(table: str, root: Path | None = None) -> Path:
    return (root or lake_dir()) / table


def _to_table(table: Table, rows: list[dict[str, Any]] | pa.Table) -> pa.Table:
    if isinstance(rows, pa.Table):
        return rows.select(table.schema.names).cast(table.schema)
    cols = {f.name: [r.get(f.name) for r in rows] for f in table.schema}
    return pa.table(cols, schema=table.schema)


def write_partitioned(table_name: str, rows: list[dict[str, Any]] | pa.Table, *, file_stem: str,
                      root: Path | None = None) -> dict[str, int]:
    """Write rows into their day partitions as `<file_stem>.parquet` (replacing a file of that name). Returns rows
    per day. Atomic per file: written to a temporary name in the same folder, then renamed."""
    table = TABLES[table_name]
    data = _to_table(table, rows)
    if data.num_rows == 0:
        return {}
    import pyarrow.compute as pc

    days = pc.strftime(data.column(table.day_column), format="%Y-%m-%d")
    data = data.append_column("_dt", days)
    out: dict[str, int] = {}
    for day in pc.unique(days).to_pylist():
        part = data.filter(pc.equal(data.column("_dt"), day)).drop_columns(["_dt"])
        folder = table_dir(table_name, root) / f"dt={day}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{file_stem}.parquet"
        tmp = folder / f".{file_stem}.{uuid.uuid4().hex}.tmp"
        pq.write_table(part, tmp, compression="zstd")
        os.replace(tmp, final)
        out[day] = part.num_rows
    if table_name == "events":
        write_partitioned("event_days", event_days_of(data.drop_columns(["_dt"])), file_stem=file_stem, root=root)
    return out


def remove_files(table_name: str, *, filename: str, root: Path | None = None) -> int:
    """Delete this table's files called `filename` in every day folder (a re-import replaces its earlier files);
    for `events`, its rollup's files of that name too."""
    n = remove_files("event_days", filename=filename, root=root) if table_name == "events" else 0
    base = table_dir(table_name, root)
    if base.exists():
        for f in base.glob(f"dt=*/{filename}"):
            f.unlink()
            n += 1
    return n


def files(table_name: str, root: Path | None = None) -> list[Path]:
    base = table_dir(table_name, root)
    return sorted(base.glob("dt=*/*.parquet")) if base.exists() else []


def empty_select(table: Table) -> str:
    """A typed empty relation with the table's columns, for a table with no files yet (so every metric runs)."""
    duck = {pa.int64(): "BIGINT", pa.string(): "VARCHAR", TS: "TIMESTAMP", pa.date32(): "DATE",
            pa.bool_(): "BOOLEAN"}
    cols = ", ".join(f"CAST(NULL AS {duck[f.type]}) AS {f.name}" for f in table.schema if f.name != "_v")
    return f"SELECT {cols} WHERE false"


def view_sql(table: Table, source_sql: str) -> str:
    """The body of a table's view over `source_sql` (a relation with the Parquet columns): the latest version of
    each versioned row; the change stamp `_v` and the partition column are left out."""
    cols = ", ".join(f.name for f in table.schema if f.name != "_v")
    if table.versioned:
        return (f"SELECT {cols} FROM (SELECT *, row_number() OVER (PARTITION BY source, id ORDER BY _v DESC) AS _rn "
                f"FROM {source_sql}) AS t WHERE _rn = 1")
    return f"SELECT {cols} FROM {source_sql} AS t"


# Derived relations over the tables, defined once here (portable SQL: Spark creates the same ones, in this order).
# Who was active on which day, each with the user's first active day (over all history): `user_days` per community
# (NULL: events with no community), `platform_days` on the whole platform; each (user, [community,] day) once.
# The base of DAU/WAU/MAU, new vs returning and retention, built once per connection (a materialized one keeps
# them), so those five metrics neither de-duplicate user-days nor look for first days each again.
DERIVED: dict[str, str] = {
    "user_days": """
WITH d AS (SELECT DISTINCT user_id, community_id, day FROM event_days WHERE user_id IS NOT NULL),
f AS (SELECT user_id, community_id, min(day) AS first_day FROM d GROUP BY user_id, community_id)
SELECT d.user_id, d.community_id, d.day, f.first_day
FROM d JOIN f ON f.user_id = d.user_id AND f.community_id IS NOT DISTINCT FROM d.community_id
""",
    "platform_days": """
WITH d AS (SELECT DISTINCT user_id, day FROM user_days),
f AS (SELECT user_id, min(first_day) AS first_day FROM user_days GROUP BY user_id)
SELECT d.user_id, d.day, f.first_day FROM d JOIN f ON f.user_id = d.user_id
""",
}


def create_views(con: Any, root: Path | None = None, tables: Iterable[str] | None = None, *,
                 materialize: bool = False, columns: dict[str, set[str]] | None = None) -> None:
    """Create one DuckDB view per lake table on `con` (empty typed views for tables with no files yet), then the
    derived relations. `materialize`: load the tables into DuckDB's in-memory tables instead (one scan of the
    Parquet; worth it when many metrics run on the same connection: a report, the benchmark), keeping only
    `columns` (the ones the metrics read, per table) -- except the raw event log, which stays a view: the metrics
    read its rollup `event_days`, and the one that reads the log itself reads two columns of it once."""
    for name in tables or TABLES:
        table = TABLES[name]
        kind = "TABLE" if materialize and name != "events" else "VIEW"
        if not files(name, root):
            con.execute(f"CREATE OR REPLACE {kind} {name} AS {empty_select(table)}")
            continue
        pattern = str(table_dir(name, root) / "dt=*" / "*.parquet").replace("'", "''")
        src = f"read_parquet('{pattern}', hive_partitioning = false, union_by_name = true)"
        body = view_sql(table, src)
        if kind == "TABLE" and columns is not None:
            keep = [f.name for f in table.schema if f.name in columns.get(name, set())] or table.schema.names[:1]
            body = f"SELECT {', '.join(keep)} FROM ({body}) AS v"
        con.execute(f"CREATE OR REPLACE {kind} {name} AS {body}")
    if tables is None:
        kind = "TABLE" if materialize else "VIEW"
        for name, sql in DERIVED.items():
            con.execute(f"CREATE OR REPLACE {kind} {name} AS {sql}")


# --- a member's account deletion (PIPL): the lake follows what the database does ----------------------------------

# table -> (columns set to NULL where they hold the member, columns whose match removes the whole row). Mirrors the
# database's erasure: the event log keeps its rows for the counts but loses the link to the person (core's
# `erase_core`), and so does its rollup; a share token identifies its sharer, so it goes with the link. Follows are
# a social tie between two people and go whole. Orders, lines, memberships, posts, comments and the commission
# ledger keep their (now anonymised) account id in the database, as the law's retention of trade records asks, so
# their lake copies keep it too: the id no longer leads to a name or a phone anywhere.
ERASE_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "events": (("user_id", "share_token"), ()),
    "event_days": (("user_id",), ()),
    "follows": ((), ("follower_id", "followee_id")),
}


def forget_user(user_id: int, *, root: Path | None = None) -> int:
    """Rewrite the lake files holding the member's rows exported from this platform (`source = 'quanzi'`; imported
    history has ids of another system) per `ERASE_COLUMNS`; returns the rows changed or removed. Each file is
    rewritten to a temporary name and renamed over the old one (a reader sees the old file or the new one)."""
    import pyarrow.compute as pc

    changed = 0
    for name, (null_cols, drop_cols) in ERASE_COLUMNS.items():
        for path in files(name, root):
            data = pq.read_table(path)
            ours = pc.equal(data.column("source"), "quanzi")
            match_cols = null_cols[:1] + drop_cols
            hit = None
            for col in match_cols:
                eq = pc.fill_null(pc.and_(ours, pc.equal(data.column(col), user_id)), False)
                hit = eq if hit is None else pc.or_(hit, eq)
            if hit is None or not pc.any(hit).as_py():
                continue
            n = pc.sum(pc.cast(hit, pa.int64())).as_py() or 0
            for col in null_cols:
                index = data.schema.get_field_index(col)
                nulls = pa.nulls(data.num_rows, type=data.schema.field(col).type)
                data = data.set_column(index, col, pc.if_else(hit, nulls, data.column(col)))
            if drop_cols:
                data = data.filter(pc.invert(hit))
            tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp")
            pq.write_table(data, tmp, compression="zstd")
            os.replace(tmp, path)
            changed += n
    return changed
