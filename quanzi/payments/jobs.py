"""Payment jobs (huey). Idempotent: safe to run twice or in parallel.

- `sandbox_deliver`: the sandbox bank delivering its signed notification (through the normal callback path).
- `refund_submit_task`: send one refund to its gateway.
- `refunds_resubmit`: every 5 minutes, push refunds left pending, and retry failed automatic refunds
  (a payment for a cancelled order must go back to the buyer).
- `refunds_query`: every 5 minutes, ask the provider about each processing refund whose next query is due
  (backing off from 5 minutes to 6 hours; never giving up while the provider says processing).
- `payment_close_task`: close one payment at its provider (its order was cancelled or expired).
- `payments_query`: every minute, ask the provider about open payments and combined trades without a notification
  (a lost notification is still found and booked like one; an open payment of an order that can no longer be paid
  is closed).
- `reconcile_daily`: at 10:30 every day, compare yesterday's trade bills with our payments and refunds.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from quanzi.core.errors import DomainError
from quanzi.payments import combined, selectors, services
from quanzi.payments.enums import RefundStatus

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=5)
def sandbox_deliver(headers: dict[str, str], body: str) -> str:
    outcome = services.payment_handle_callback(gateway="sandbox", headers=headers, body=body.encode())
    return outcome.result


@db_task(retries=3, retry_delay=30)
def refund_submit_task(refund_id: int) -> str:
    return str(services.refund_submit(refund_id=refund_id).status)


@db_task(retries=3, retry_delay=60)
def payment_close_task(payment_id: int) -> str:
    try:
        return str(services.payment_close(payment_id=payment_id).status)
    except DomainError as exc:  # the gateway was switched off: the query job tries again
        log.warning("payment %s not closed: %s", payment_id, exc)
        return "error"


@db_periodic_task(crontab(minute="*"))
def payments_query() -> int:
    done = 0
    for payment_id in selectors.payments_due_for_query():
        try:
            services.payment_query(payment_id=payment_id)
            done += 1
        except DomainError as exc:
            log.warning("payment %s not queried: %s", payment_id, exc)
    for combined_id in selectors.combined_due_for_query():  # combined trades (合单支付), asked about as one
        try:
            combined.combined_query(combined_id=combined_id)
            done += 1
        except DomainError as exc:
            log.warning("combined payment %s not queried: %s", combined_id, exc)
    return done


@db_periodic_task(crontab(minute="*/5"))
def refunds_query() -> int:
    done = 0
    for refund_id in selectors.refunds_due_for_query():
        try:
            services.refund_query(refund_id=refund_id)
            done += 1
        except DomainError as exc:
            log.warning("refund %s not queried: %s", refund_id, exc)
    return done


@db_periodic_task(crontab(minute="30", hour="10"))
def reconcile_daily() -> int:
    from quanzi.payments import reconcile

    return len(reconcile.reconcile_day(day=timezone.localdate() - dt.timedelta(days=1)))


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
