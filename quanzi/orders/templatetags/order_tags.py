"""`{{ order|order_status }}`: the order's status label as it reads now."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from quanzi.orders.enums import OrderStatus
from quanzi.orders.rules import effective_status

register = template.Library()


@register.filter
def order_status(order: Any) -> str:
    """The order's status label as it reads now (an unpaid order past its deadline shows as cancelled)."""
    return str(OrderStatus(effective_status(order, timezone.now())).label)
