"""Hand-made lake data for the metric tests: rows written straight to Parquet in a temporary lake."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from quanzi.insight import lake

_ids = itertools.count(1)


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour)


def put(root: Path, table: str, rows: list[dict[str, Any]], stem: str = "t") -> None:
    """Write rows (missing columns are NULL; id, source and _v are filled in) into the lake at `root`."""
    full = []
    for r in rows:
        r = dict(r)
        r.setdefault("id", next(_ids))
        r.setdefault("source", "quanzi")
        r.setdefault("_v", 0)
        full.append(r)
    lake.write_partitioned(table, full, file_stem=f"{stem}-{next(_ids)}", root=root)


def ev(name: str, user_id: int | None, day: str, hour: int = 12, **kw: Any) -> dict[str, Any]:
    return {"name": name, "user_id": user_id, "created_at": at(day, hour), **kw}
