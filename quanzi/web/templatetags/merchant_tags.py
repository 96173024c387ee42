"""Template helpers of the merchant console: the carrier list of the ship form."""

from __future__ import annotations

from django import template

from quanzi.orders.carriers import carrier_choices

register = template.Library()


@register.simple_tag
def carrier_options() -> list[tuple[str, str]]:
    return carrier_choices()
