"""The same metrics on Spark, for a lake past one machine (docs/notes/insight.md: a cluster, s3a:// storage).

Each metric's DuckDB SQL is transpiled with SQLGlot to Spark SQL, its named parameters replaced by literals, and
run over temporary views with the lake's table names, read from the same Parquet tree (a local path or any URL
Spark reads: `s3a://bucket/insight`). One fix-up beyond SQLGlot: `percentile_cont(q) WITHIN GROUP (ORDER BY x)`
becomes Spark's exact `percentile(x, q)` (SQLGlot would pick the approximate one, and the figures must match).

pyspark is an optional dependency (the `spark` extra; CI installs it); nothing else in quanzi imports this module.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from quanzi.insight import lake
from quanzi.insight.metrics import REGISTRY, Metric

_SPARK_TYPES = {"int64": "BIGINT", "string": "STRING", "timestamp[us]": "TIMESTAMP", "date32[day]": "DATE",
                "bool": "BOOLEAN"}


def _literal(value: Any) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, dt.date):
        return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("DATE"))
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def spark_sql(metric: Metric, params: dict[str, Any]) -> str:
    """The metric's SQL in Spark's dialect with `params` ({"date_from": date, ...}) filled in."""
    tree = sqlglot.parse_one(metric.sql, read="duckdb")

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.name in params:
            return _literal(params[node.name])
        if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
            order = node.expression
            target = order.expressions[0].this if isinstance(order, exp.Order) else order
            return exp.Anonymous(this="percentile", expressions=[target.copy(), node.this.this.copy()])
        return node

    return tree.transform(fix).sql(dialect="spark")


def _spark_schema(table: lake.Table) -> str:
    return ", ".join(f"{f.name} {_SPARK_TYPES[str(f.type)]}" for f in table.schema)


def register_views(spark: Any, root: str) -> None:
    """Temporary views `events, orders, ...` over the lake at `root` (a path or an s3a:// URL), the latest version
    of each changing row, exactly like lake.create_views does for DuckDB."""
    for name, table in lake.TABLES.items():
        path = f"{root.rstrip('/')}/{name}"
        local = "://" not in root
        if local and not lake.files(name, Path(root)):  # no files yet: an empty view of the right columns
            df = spark.createDataFrame([], _spark_schema(table))
        else:
            df = spark.read.schema(_spark_schema(table)).parquet(path)
        df.select(*table.schema.names).createOrReplaceTempView(f"{name}__raw")
        spark.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {lake.view_sql(table, f'{name}__raw')}")
    for name, sql in lake.DERIVED.items():
        spark.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {sqlglot.transpile(sql, read='duckdb', write='spark')[0]}")


def metric_result(spark: Any, key: str, *, date_from: dt.date, date_to: dt.date, community_id: int | None = None,
                  kol_id: int | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    metric = REGISTRY[key]
    params = {"date_from": date_from, "date_to": date_to, "community_id": community_id, "kol_id": kol_id}
    df = spark.sql(spark_sql(metric, params))
    return list(df.columns), [tuple(r) for r in df.collect()]


def session(master: str = "local[1]", app: str = "quanzi-insight", **conf: str) -> Any:
    """A Spark session set up for the lake: UTC, timestamps without zone read as such, few shuffle partitions
    (the lake of one platform is small for Spark; raise spark.sql.shuffle.partitions on a cluster)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(master).appName(app)
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.ansi.enabled", "false"))
    for k, v in conf.items():
        builder = builder.config(k, v)
    return builder.getOrCreate()
