"""Periodic clean-up of the short-lived login records (OAuth states, pending identities)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.wxlogin import services


@db_periodic_task(crontab(minute="17", hour="4"))
def purge_login_records() -> int:
    return services.purge_expired()
