"""Order business rules that are read in several places: time-outs and the status as it reads now.

Time-outs hold even when no job ran: a pending order past its deadline reads as cancelled, a shipment older than
the auto-confirm period reads as delivered, and a delivery past the return window reads as completed. Jobs and
every write first make those moves real (services.pipeline.order_settle_due)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q

from quanzi.orders.enums import OrderStatus


def pay_minutes() -> int:
    return int(settings.QUANZI.get("ORDER_PAY_MINUTES", 15))


def auto_confirm_days() -> int:
    return int(settings.QUANZI.get("ORDER_AUTO_CONFIRM_DAYS", 10))


def return_days() -> int:
    return int(settings.QUANZI.get("RETURN_DAYS", 7))


def attribution_days() -> int:
    return int(settings.QUANZI.get("SHARE_ATTRIBUTION_DAYS", 7))


def effective_delivered_at(order: Any) -> dt.datetime | None:
    if order.status == OrderStatus.SHIPPED and order.shipped_at is not None:
        due = order.shipped_at + dt.timedelta(days=auto_confirm_days())
        return due
    return order.delivered_at


def effective_status(order: Any, now: dt.datetime) -> str:
    """The status as the buyer and merchant should see it at `now`."""
    status = order.status
    if status == OrderStatus.PENDING_PAYMENT and order.expires_at is not None and order.expires_at <= now:
        return OrderStatus.CANCELLED
    if status == OrderStatus.SHIPPED and order.shipped_at is not None \
            and order.shipped_at + dt.timedelta(days=auto_confirm_days()) <= now:
        status = OrderStatus.DELIVERED
    if status == OrderStatus.DELIVERED:
        delivered_at = effective_delivered_at(order)
        if delivered_at is not None and delivered_at + dt.timedelta(days=return_days()) <= now:
            return OrderStatus.COMPLETED
    return status


def status_q(status: str, now: dt.datetime) -> Q:
    """A queryset filter matching orders whose *effective* status is `status`."""
    confirm = now - dt.timedelta(days=auto_confirm_days())
    window = dt.timedelta(days=return_days())
    expired = Q(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now)
    auto_delivered = Q(status=OrderStatus.SHIPPED, shipped_at__lte=confirm)
    auto_delivered_done = Q(status=OrderStatus.SHIPPED, shipped_at__lte=confirm - window)
    delivered_done = Q(status=OrderStatus.DELIVERED, delivered_at__lte=now - window)
    if status == OrderStatus.PENDING_PAYMENT:
        return Q(status=status) & ~expired
    if status == OrderStatus.CANCELLED:
        return Q(status=status) | expired
    if status == OrderStatus.SHIPPED:
        return Q(status=status) & ~auto_delivered
    if status == OrderStatus.DELIVERED:
        return (Q(status=status) & ~delivered_done) | (auto_delivered & ~auto_delivered_done)
    if status == OrderStatus.COMPLETED:
        return Q(status=status) | delivered_done | auto_delivered_done
    return Q(status=status)


# status -> statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    # virtual goods (a membership, a red packet's funding) are delivered the moment they are paid: paid -> delivered
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.REFUNDING,
                                 OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDING, OrderStatus.PARTIALLY_REFUNDED,
                                    OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.COMPLETED, OrderStatus.REFUNDING,
                                      OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
    OrderStatus.COMPLETED: frozenset({OrderStatus.REFUNDING, OrderStatus.PARTIALLY_REFUNDED,
                                      OrderStatus.REFUNDED}),
    # after-sales: a refund in progress ends refunded (partly or fully) or, when rejected, back where it was
    OrderStatus.REFUNDING: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED, OrderStatus.PAID,
                                      OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED}),
    OrderStatus.PARTIALLY_REFUNDED: frozenset({OrderStatus.REFUNDING, OrderStatus.PARTIALLY_REFUNDED,
                                               OrderStatus.REFUNDED, OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                                               OrderStatus.COMPLETED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
