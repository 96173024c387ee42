"""Reads of the insight app: a metric's result over the lake (DuckDB), the metric list, the export status."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import sqlglot
from django.conf import settings
from sqlglot import exp

from quanzi.insight import lake
from quanzi.insight.metrics import REGISTRY, Metric
from quanzi.insight.models import ExportWatermark


@dataclass(frozen=True)
class MetricResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


@dataclass(frozen=True)
class ExportStatus:
    last_run_at: dt.datetime | None
    rows: dict[str, int]  # rows in the lake per table (Parquet row counts, every version of changing rows)
    files: dict[str, int]


def connect(root: Path | None = None, *, materialize: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per lake table (lake.create_views); `materialize`: the tables
    loaded into memory once, for running many metrics on this connection."""
    con = duckdb.connect(":memory:")
    conf = settings.QUANZI_INSIGHT
    if conf.get("DUCKDB_THREADS"):
        con.execute(f"SET threads = {int(conf['DUCKDB_THREADS'])}")
    if conf.get("DUCKDB_MEMORY_LIMIT"):
        con.execute("SET memory_limit = ?", [str(conf["DUCKDB_MEMORY_LIMIT"])])
    con.execute("SET TimeZone = 'UTC'")
    # every metric orders its own result: loading and scanning need not keep the files' row order
    con.execute("SET preserve_insertion_order = false")
    lake.create_views(con, root, materialize=materialize, columns=metric_columns() if materialize else None)
    return con


@functools.cache
def metric_columns() -> dict[str, set[str]]:
    """Per lake table, the columns the registered metrics and the derived relations read (SQLGlot resolves each
    column to its table): what a materialized connection loads."""
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.optimizer.scope import traverse_scope

    schema: dict[str, object] = {n: {f.name: "BIGINT" for f in t.schema} for n, t in lake.TABLES.items()}
    for name, sql in lake.DERIVED.items():  # the derived relations' columns (their names are their outputs)
        derived = sqlglot.parse_one(sql, read="duckdb")
        assert isinstance(derived, exp.Query)
        schema[name] = {c.alias_or_name: "BIGINT" for c in derived.selects}
    need: dict[str, set[str]] = {n: set() for n in lake.TABLES}
    for sql in [m.sql for m in REGISTRY.values()] + list(lake.DERIVED.values()):
        tree = qualify(sqlglot.parse_one(sql, read="duckdb"), schema=schema, dialect="duckdb",
                       validate_qualify_columns=False)
        for scope in traverse_scope(tree):
            for col in scope.columns:
                src = scope.sources.get(col.table)
                if isinstance(src, exp.Table) and src.name in need:
                    need[src.name].add(col.name)
    return need


def metric_params(metric: Metric, *, date_from: dt.date, date_to: dt.date, community_id: int | None,
                  kol_id: int | None) -> dict[str, Any]:
    """The named parameters the metric's SQL uses (DuckDB refuses parameters a statement does not have)."""
    values = {"date_from": date_from, "date_to": date_to, "community_id": community_id, "kol_id": kol_id}
    return {k: v for k, v in values.items() if f"${k}" in metric.sql}


def metric_result(key: str, *, date_from: dt.date, date_to: dt.date, community_id: int | None = None,
                  kol_id: int | None = None, con: duckdb.DuckDBPyConnection | None = None) -> MetricResult:
    """Run the registered metric `key` over the lake for the days [date_from, date_to]. KeyError: no such metric.
    `con`: a connection from `connect()` to reuse (a dashboard runs many metrics)."""
    metric = REGISTRY[key]
    own = con is None
    con = con or connect()
    try:
        cur = con.execute(metric.sql, metric_params(metric, date_from=date_from, date_to=date_to,
                                                    community_id=community_id, kol_id=kol_id))
        columns = [d[0] for d in cur.description]
        return MetricResult(columns=columns, rows=[tuple(r) for r in cur.fetchall()])
    finally:
        if own:
            con.close()


def metrics_for(group: str) -> list[Metric]:
    """The metrics of one dashboard, in registration order."""
    return [m for m in REGISTRY.values() if m.group == group]


def export_status(root: Path | None = None) -> ExportStatus:
    rows: dict[str, int] = {}
    nfiles: dict[str, int] = {}
    for name in lake.TABLES:
        found = lake.files(name, root)
        nfiles[name] = len(found)
        rows[name] = sum(pq.ParquetFile(f).metadata.num_rows for f in found)
    last = ExportWatermark.objects.order_by("-last_run_at").values_list("last_run_at", flat=True).first()
    return ExportStatus(last_run_at=last, rows=rows, files=nfiles)
