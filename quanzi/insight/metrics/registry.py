"""The metric registry: every metric is defined once, here, as DuckDB SQL with its Chinese definition beside it.

A metric's SQL reads only the lake views (`events, orders, order_lines, memberships, posts, comments, users,
follows, refunds`, the rollup `event_days` and the derived `user_days`, quanzi/insight/lake.py) and these named
parameters. Read the event log through `event_days` (one row per day, community, user, name and post with the
count `n`: sum `n` where you would count events) unless a metric needs a column only the log has:

- `$date_from`, `$date_to`: DATE, both days included (UTC days of `created_at`);
- `$community_id`: BIGINT, or NULL for the whole platform;
- `$kol_id`: BIGINT, or NULL for every KOL (only the KOL metrics use it).

The SQL keeps to what SQLGlot transpiles to Spark SQL (quanzi/insight/spark.py runs the same text on Spark): no
DuckDB-only functions beyond date_diff/date_trunc/CAST, no macros, no QUALIFY.

`chart` tells the dashboard how to draw the result: 'number' (one row), 'line' (first column the x axis),
'bar', 'funnel' (rows of step, users), 'table', 'heatmap'. `group` is the dashboard the metric belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHARTS = ("number", "line", "bar", "funnel", "table", "heatmap")
GROUPS = ("overview", "community", "kol", "content", "campaign")


@dataclass(frozen=True)
class Metric:
    key: str
    title: Any  # str or a lazy gettext string (Chinese)
    definition: Any  # Chinese text shown beside the chart
    sql: str
    chart: str
    group: str

    def __post_init__(self) -> None:
        if self.chart not in CHARTS:
            raise ValueError(f"metric {self.key}: chart {self.chart!r} is not one of {CHARTS}")
        if self.group not in GROUPS:
            raise ValueError(f"metric {self.key}: group {self.group!r} is not one of {GROUPS}")


REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.key in REGISTRY and REGISTRY[metric.key] != metric:
        raise ValueError(f"metric {metric.key} is registered twice")
    REGISTRY[metric.key] = metric
    return metric
