"""Helpers for the invites tests."""

from __future__ import annotations

from typing import Any

from quanzi.referrals.invites.enums import BindPolicy
from quanzi.referrals.invites.models import InvitePolicy


def set_policy(policy: str = BindPolicy.FIRST, **fields: Any) -> InvitePolicy:
    row, _created = InvitePolicy.objects.get_or_create(pk=1)
    row.policy = policy
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def complete(order_id: int) -> None:
    """Ship, confirm and let the after-sales window close: the order's `completed` moment."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from quanzi.orders import locks as order_locks
    from quanzi.orders import services as order_services
    from quanzi.orders.models import Order

    order = Order.objects.select_related("merchant").get(pk=order_id)
    order_services.order_ship(user=order.merchant.user, order_id=order_id, carrier="SF", tracking_no="SF100")
    order_services.order_confirm_receipt(user=order.buyer, order_id=order_id)
    with transaction.atomic():
        locked = order_locks.lock_order(order_id)
        order_services.order_settle_due(order=locked, now=timezone.now() + dt.timedelta(days=60))
