"""Insight jobs (huey): the hourly export, and the same export on demand (the dashboard's refresh button or
`quanzi insight export`). Both are safe to run at any time and twice: export.run_export is incremental and holds
a lock, so an on-demand run during the hourly one waits and then finds nothing new."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from quanzi.insight import dashboard_jobs, export  # noqa: F401  (dashboard_jobs: its tasks, for a worker)


@db_periodic_task(crontab(minute="7"))
def export_hourly() -> dict[str, int]:
    return export.run_export()


@db_task()
def export_now(tables: list[str] | None = None) -> dict[str, int]:
    return export.run_export(tables=tables)
