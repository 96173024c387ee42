"""Content jobs (huey). Idempotent: safe to run twice or in parallel."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.content import services


@db_periodic_task(crontab(minute="*"))
def posts_publish_due() -> int:
    """Every minute: scheduled posts whose time has come become published (they are already readable
    before this runs; the job flips the status and bumps the community counter)."""
    return services.posts_publish_due()
