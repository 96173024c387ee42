"""After-sales jobs (huey). Idempotent: safe to run twice or in parallel.

- `aftersales_sweep`: every 5 minutes, close returns not shipped back in time. (A request learns that its refund
  succeeded from the order's `refunded` moment: see apps.py; the orders app retries hooks that failed.)
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.aftersales import selectors, services
from quanzi.core.errors import DomainError

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
def aftersales_sweep() -> int:
    done = 0
    for req_id in list(selectors.requests_return_overdue().values_list("pk", flat=True)[:500]):
        try:
            services.aftersale_close_overdue(request_id=req_id)
            done += 1
        except DomainError as exc:
            log.warning("after-sales %s not closed: %s", req_id, exc)
    return done
