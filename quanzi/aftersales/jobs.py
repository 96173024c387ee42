"""After-sales jobs (huey). Idempotent: safe to run twice or in parallel.

- `aftersale_refund_sync_task`: after a refund was requested, mark the request refunded once payments says so.
- `aftersales_sweep`: every 5 minutes, sync refunding requests and close returns not shipped back in time.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from quanzi.aftersales import selectors, services
from quanzi.core.errors import DomainError

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=30)
def aftersale_refund_sync_task(request_id: int) -> str:
    return str(services.aftersale_refund_sync(request_id=request_id).status)


@db_periodic_task(crontab(minute="*/5"))
def aftersales_sweep() -> int:
    done = 0
    for req_id in list(selectors.requests_refunding().values_list("pk", flat=True)[:500]):
        try:
            services.aftersale_refund_sync(request_id=req_id)
            done += 1
        except DomainError as exc:
            log.warning("after-sales %s not synced: %s", req_id, exc)
    for req_id in list(selectors.requests_return_overdue().values_list("pk", flat=True)[:500]):
        try:
            services.aftersale_close_overdue(request_id=req_id)
            done += 1
        except DomainError as exc:
            log.warning("after-sales %s not closed: %s", req_id, exc)
    return done
