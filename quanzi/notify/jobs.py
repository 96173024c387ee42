"""Notify's jobs (huey). Idempotent: safe to run twice or in parallel.

- `delivery_send_task`: send one notice on one external channel (queued after the commit of the notice);
  retried 3 times a minute apart on a failure worth retrying; a sent delivery is never sent again
  (`services.delivery_send` claims the row by a conditional update).
- `deliveries_retry`: every 10 minutes, deliveries left pending (the queue was down) or failed with attempts left.
- `live_started_task`: tell a community that its live session went on air (once per member and session).
- `coupons_expiring_remind`: every hour, tell members about their unused coupons that expire within a day, once
  per coupon.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from quanzi.notify import reminders, selectors, services

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def delivery_send_task(delivery_id: int) -> str:
    return services.delivery_send(delivery_id=delivery_id)


@db_periodic_task(crontab(minute="*/10"))
def deliveries_retry() -> int:
    done = 0
    for delivery_id in selectors.deliveries_due():
        try:
            services.delivery_send(delivery_id=delivery_id)
            done += 1
        except Exception:  # noqa: BLE001 - recorded on the row (last_error); the next run tries again
            log.warning("notice delivery %s failed again", delivery_id, exc_info=True)
    return done


@db_periodic_task(crontab(minute="7"))
def coupons_expiring_remind() -> int:
    return reminders.coupons_expiring_remind()


@db_task(retries=2, retry_delay=30)
def live_started_task(session_id: int, community_id: int, title: str, host_id: int | None = None) -> int:
    return reminders.live_started(session_id=session_id, community_id=community_id, title=title, host_id=host_id)
