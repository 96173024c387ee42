"""Personas jobs (huey). Idempotent: safe to run twice or in parallel (each member's tags in one transaction)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from quanzi.personas import services


@db_periodic_task(crontab(minute="20", hour="3"))
def personas_refresh_nightly() -> int:
    """Every night at 03:20: recompute the tags of every member active in the last 90 days (and of those who
    still have tags)."""
    return services.personas_refresh_all()


@db_task()
def persona_refresh_member(user_id: int) -> int:
    """One member's tags now (the "my persona" page's 重新计算 button)."""
    return services.persona_refresh(user_id=user_id)
