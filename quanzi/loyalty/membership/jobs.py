"""Membership jobs: the level's monthly coupons. The job runs every day and grants the current month's coupons
once per member, template and month (the reward key), so a missed run is caught up the next day and a member who
reaches a level mid-month gets its coupons that month. Periods need no job: one past its end reads as over."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="0", minute="20"))
def level_monthly_coupons() -> tuple[int, int]:
    from quanzi.loyalty.membership.services import level_monthly_coupons_grant

    return level_monthly_coupons_grant()


@db_periodic_task(crontab(hour="0", minute="25"))
def level_birthday_coupons() -> tuple[int, int]:
    from quanzi.loyalty.membership.services import level_birthday_coupons_grant

    return level_birthday_coupons_grant()
