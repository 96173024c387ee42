"""The dashboards' long work as jobs (huey), with progress the page polls: exporting every table of a dashboard to
one Excel file, and refreshing the lake (the Parquet export) table by table.

Progress lives in the cache (`insight:job:<id>`: state, done, total, the file), written by the job as it goes and
read by the page every second (HTMX); the file is written under the var directory and handed only to the member
who asked for it. Idempotent: running a job twice writes the same file again."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from huey.contrib.djhuey import db_task

from quanzi.insight import dashboards, export, selectors

log = logging.getLogger(__name__)

JOB_TTL = 6 * 3600


def exports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "insight-exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key(job_id: str) -> str:
    return f"insight:job:{job_id}"


def job_get(job_id: str) -> dict[str, Any] | None:
    return cache.get(_key(job_id))


def _put(job_id: str, **values: Any) -> dict[str, Any]:
    state = {**(cache.get(_key(job_id)) or {}), **values}
    cache.set(_key(job_id), state, JOB_TTL)
    return state


def job_new(*, kind: str, user_id: int, total: int, title: str) -> str:
    job_id = uuid.uuid4().hex
    _put(job_id, kind=kind, user_id=user_id, state="queued", done=0, total=total, title=title, file="")
    return job_id


@db_task()
def dashboard_export(job_id: str, spec: dict[str, Any]) -> str:
    """Every metric of the dashboard's groups over its range into one .xlsx, one sheet per metric."""
    rng = dashboards.Range(dt.date.fromisoformat(spec["from"]), dt.date.fromisoformat(spec["to"]))
    metrics = [m for g in spec["groups"] for m in selectors.metrics_for(g)]
    _put(job_id, state="running", total=len(metrics))
    panels = []
    con = selectors.connect()
    try:
        for i, metric in enumerate(metrics, start=1):
            result = selectors.metric_result(metric.key, date_from=rng.date_from, date_to=rng.date_to,
                                             community_id=spec.get("community_id"), kol_id=spec.get("kol_id"),
                                             con=con)
            panels.append(dashboards.panel(metric, result))
            _put(job_id, done=i)
        path = exports_dir() / f"{job_id}.xlsx"
        path.write_bytes(dashboards.xlsx_bytes(panels))
    except Exception as exc:  # the page says it failed; the log has why
        log.exception("dashboard export %s failed", job_id)
        _put(job_id, state="failed", error=str(exc)[:200])
        raise
    finally:
        con.close()
    _put(job_id, state="done", file=path.name)
    return path.name


@db_task()
def lake_refresh(job_id: str) -> dict[str, int]:
    """Bring the lake up to date, one table at a time (so the page can say how far it is)."""
    tables = list(export.EXPORTS)
    _put(job_id, state="running", total=len(tables))
    written: dict[str, int] = {}
    try:
        for i, name in enumerate(tables, start=1):
            written.update(export.run_export(tables=[name]))
            _put(job_id, done=i)
    except Exception as exc:
        log.exception("lake refresh %s failed", job_id)
        _put(job_id, state="failed", error=str(exc)[:200])
        raise
    _put(job_id, state="done", rows=sum(written.values()))
    return written
