"""Lottery jobs: draw each lottery at its draw time (a minute's sweep; drawing twice is impossible: the draw
locks the lottery and checks its status) and retry rewards a granter could not pay yet (unique keys)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def lotteries_draw() -> int:
    from quanzi.loyalty.lotteries.services import lotteries_draw_due

    return lotteries_draw_due()
