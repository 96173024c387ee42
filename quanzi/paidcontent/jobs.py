"""Paid content jobs: remind column subscribers before their access ends, and close the terms that ended."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.paidcontent.services import terms_expire_due, terms_remind_due


@db_periodic_task(crontab(minute="7"))
def paidcontent_terms_remind() -> int:
    return terms_remind_due()


@db_periodic_task(crontab(minute="*/10"))
def paidcontent_terms_expire() -> int:
    return terms_expire_due()
