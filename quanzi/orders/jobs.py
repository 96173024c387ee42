"""Order jobs: make due time-outs visible sooner (the rules already hold when read). Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.orders import rules
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.services import order_settle


@db_periodic_task(crontab(minute="*"))
def settle_due_orders() -> int:
    """Expire unpaid orders past their deadline (stock returns), auto-confirm shipments older than the
    auto-confirm period, complete deliveries past the return window. Each order in its own transaction."""
    now = timezone.now()
    due = Q(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now) \
        | Q(status=OrderStatus.SHIPPED, shipped_at__lte=now - dt.timedelta(days=rules.auto_confirm_days())) \
        | Q(status=OrderStatus.DELIVERED, delivered_at__lte=now - dt.timedelta(days=rules.return_days()))
    ids = list(Order.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:1000])
    for order_id in ids:
        order_settle(order_id=order_id)
    return len(ids)


@db_periodic_task(crontab(minute="*"))
def order_moments_sweep() -> int:
    """Run the lifecycle hooks of moments not done yet: a process that died between commit and dispatch, or a
    hook that failed. Each hook still runs once per moment (its run row commits with its writes)."""
    from quanzi.orders.services.moments import moments_dispatch_due

    return moments_dispatch_due()
