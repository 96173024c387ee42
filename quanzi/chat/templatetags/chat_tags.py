from __future__ import annotations

from typing import Any

from django import template

from quanzi.orders.enums import OrderStatus

register = template.Library()


@register.filter
def order_status_label(value: Any) -> str:
    """An order status stored in a card (its value) as the reader's language says it."""
    try:
        return str(OrderStatus(value).label)
    except ValueError:
        return str(value or "")
