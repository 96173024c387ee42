"""`{{ amount_fen|yuan }}` → ¥12.34 (rounding lives in core.money)."""

from __future__ import annotations

from typing import Any

from django import template

from quanzi.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(amount_fen: Any) -> str:
    if amount_fen is None or amount_fen == "":
        return ""
    return format_yuan(int(amount_fen))


@register.filter
def order_status(order: Any) -> str:
    """The order's status label as it reads now (an unpaid order past its deadline shows as cancelled)."""
    from django.utils import timezone

    from quanzi.orders.enums import OrderStatus
    from quanzi.orders.rules import effective_status

    return str(OrderStatus(effective_status(order, timezone.now())).label)
