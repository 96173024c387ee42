"""KOL marketplace jobs: expire unanswered proposals, book the fixed fee of deals whose deliverables are met and
end deals past their period, refresh the directory's cached figures."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def kolmarket_expire_due() -> int:
    from quanzi.kolmarket.services import deals_expire_due

    return deals_expire_due()


@db_periodic_task(crontab(minute="7"))
def kolmarket_sweep() -> int:
    from quanzi.kolmarket.services import deals_sweep

    return deals_sweep()


@db_periodic_task(crontab(minute="*/30"))
def kolmarket_refresh_profiles() -> int:
    from quanzi.kolmarket.services import profiles_refresh_due

    return profiles_refresh_due()
