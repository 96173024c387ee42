"""Points jobs: write off the lots past their date (they already read as expired) with one `expire` row each,
once (`expire:lot:<id>`). Hourly, so the last day of the year is written off within the hour after midnight."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.loyalty.points.services import points_expire_due


@db_periodic_task(crontab(minute="7"))
def points_expire() -> int:
    return points_expire_due()
