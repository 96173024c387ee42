"""Advertising jobs: end campaigns past their schedule and give back what they did not spend (once each:
`release:<id>:<n>`), so the merchant's balance does not wait for them to be ended by hand."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.ads.services import campaigns_end_due


@db_periodic_task(crontab(minute="*/5"))
def ads_end_due() -> int:
    return campaigns_end_due()
