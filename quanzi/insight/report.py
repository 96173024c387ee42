"""The metric report (`quanzi insight report`): every metric (or some) for a date range, as text, JSON or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from quanzi.insight import selectors
from quanzi.insight.metrics import REGISTRY

FORMATS = ("text", "json", "csv")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def build(*, date_from: dt.date, date_to: dt.date, community_id: int | None = None, kol_id: int | None = None,
          keys: list[str] | None = None) -> dict[str, selectors.MetricResult]:
    unknown = [k for k in keys or [] if k not in REGISTRY]
    if unknown:
        raise KeyError(", ".join(unknown))
    con = selectors.connect(materialize=True)  # many metrics on one connection: read the Parquet once
    try:
        return {k: selectors.metric_result(k, date_from=date_from, date_to=date_to, community_id=community_id,
                                           kol_id=kol_id, con=con) for k in (keys or list(REGISTRY))}
    finally:
        con.close()


def render(results: dict[str, selectors.MetricResult], fmt: str, *, date_from: dt.date, date_to: dt.date,
           community_id: int | None) -> str:
    if fmt == "json":
        return json.dumps({
            "date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "community_id": community_id,
            "metrics": {k: {"title": str(REGISTRY[k].title), "definition": str(REGISTRY[k].definition),
                            "columns": r.columns, "rows": [[_plain(v) for v in row] for row in r.rows]}
                        for k, r in results.items()},
        }, ensure_ascii=False, indent=1)
    if fmt == "csv":
        # one long table: metric, row number, column, value (every metric has its own columns)
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["metric", "row", "column", "value"])
        for k, r in results.items():
            for i, row in enumerate(r.rows):
                for col, v in zip(r.columns, row, strict=True):
                    w.writerow([k, i, col, "" if v is None else _plain(v)])
        return out.getvalue()
    lines = [f"quanzi insight {date_from} .. {date_to}" + (f" community {community_id}" if community_id else "")]
    for k, r in results.items():
        lines.append("")
        lines.append(f"== {REGISTRY[k].title} ({k})")
        lines.append("  " + " | ".join(r.columns))
        for row in r.rows[:50]:
            lines.append("  " + " | ".join("" if v is None else str(_plain(v)) for v in row))
        if len(r.rows) > 50:
            lines.append(f"  ... {len(r.rows) - 50} more rows (use --format csv or json for all)")
    return "\n".join(lines) + "\n"
