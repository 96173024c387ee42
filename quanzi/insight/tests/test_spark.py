"""The Spark path: every metric's SQL, transpiled by SQLGlot, run by pyspark (local mode) over the same Parquet,
gives the same figures as DuckDB. One session, local[1], the small hand-made lake (plus a community filter)."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from quanzi.insight import selectors
from quanzi.insight.metrics import REGISTRY
from quanzi.insight.tests.test_metrics import MARCH, make_world

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark is not installed "
                       "(pip install pyspark; CI installs it)"),
    pytest.mark.skipif(shutil.which("java") is None, reason="no java on PATH: Spark needs a JVM"),
]


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    from quanzi.insight import spark as insight_spark

    # tiny data: one shuffle partition, and no code generation (compiling it costs more than it saves here)
    s = insight_spark.session("local[1]", **{"spark.sql.shuffle.partitions": "1",
                                             "spark.sql.codegen.wholeStage": "false",
                                             "spark.sql.codegen.factoryMode": "NO_CODEGEN",
                                             "spark.sql.adaptive.enabled": "false"})
    yield s
    s.stop()


def test_spark_gives_the_same_figures_as_duckdb(spark, lake_root):
    from quanzi.insight import spark as insight_spark

    make_world(lake_root)
    insight_spark.register_views(spark, str(lake_root))
    con = selectors.connect()
    cases = [(key, {}) for key in REGISTRY] + [(k, {"community_id": 10}) for k in ("funnel", "sales", "community_health")]
    cases.append(("kol_effect", {"kol_id": 1}))
    for key, extra in cases:
        duck = selectors.metric_result(key, con=con, **MARCH, **extra)
        cols, rows = insight_spark.metric_result(spark, key, **MARCH, **extra)
        assert cols == duck.columns, key
        assert rows == duck.rows, (key, extra)
    # the comparison is not vacuous: the hand-made lake gives rows for nearly every metric
    assert sum(1 for key in REGISTRY if selectors.metric_result(key, con=con, **MARCH).rows) >= len(REGISTRY) - 1


def test_the_transpiled_sql_uses_spark_functions_and_literals():
    import datetime as dt

    from quanzi.insight import spark as insight_spark

    sql = insight_spark.spark_sql(REGISTRY["repurchase"], {"date_from": dt.date(2026, 3, 1),
                                                           "date_to": dt.date(2026, 3, 31), "community_id": None,
                                                           "kol_id": None})
    assert "$" not in sql and "CAST('2026-03-01' AS DATE)" in sql
    assert "percentile(" in sql.lower() and "percentile_approx" not in sql.lower()
