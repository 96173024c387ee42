"""Payment jobs (huey). Idempotent: safe to run twice or in parallel.

- `sandbox_deliver`: the sandbox bank delivering its signed notification (through the normal callback path).
- `refund_submit_task`: send one refund to its gateway.
- `refunds_resubmit`: every 5 minutes, push refunds left pending/processing, and retry failed automatic refunds
  (a payment for a cancelled order must go back to the buyer).
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from quanzi.core.errors import DomainError
from quanzi.payments import selectors, services
from quanzi.payments.enums import RefundStatus

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=5)
def sandbox_deliver(headers: dict[str, str], body: str) -> str:
    outcome = services.payment_handle_callback(gateway="sandbox", headers=headers, body=body.encode())
    return outcome.result


@db_task(retries=3, retry_delay=30)
def refund_submit_task(refund_id: int) -> str:
    return str(services.refund_submit(refund_id=refund_id).status)


@db_periodic_task(crontab(minute="*/5"))
def refunds_resubmit() -> int:
    done = 0
    for refund in selectors.refunds_due_for_resubmit():
        try:
            if refund.status == RefundStatus.FAILED:
                services.refund_retry(refund_no=refund.refund_no)
            else:
                services.refund_submit(refund_id=refund.pk)
            done += 1
        except DomainError as exc:
            log.warning("refund %s not resubmitted: %s", refund.refund_no, exc)
    return done
