"""How a coupon reads on the pages: `{{ t|coupon_value }}`, `{{ t|coupon_condition }}`, `{{ t|coupon_scope }}`,
`{{ t|coupon_validity }}` (a template), `{{ c|coupon_until }}`, `{{ c|coupon_state }}`, `{{ c|coupon_use_url }}`
(a member's coupon). The words come from `growth.coupons.display`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from quanzi.growth.coupons import display
from quanzi.growth.coupons.enums import CouponScope, CouponState
from quanzi.growth.coupons.rules import coupon_state as state_of

register = template.Library()


@register.filter
def coupon_value(t: Any) -> str:
    return display.value_text(t)


@register.filter
def coupon_condition(t: Any) -> str:
    return display.condition_text(t)


@register.filter
def coupon_scope(t: Any) -> str:
    return display.scope_text(t)


@register.filter
def coupon_validity(t: Any) -> str:
    return display.validity_text(t)


@register.filter
def coupon_until(c: Any) -> str:
    return display.until_text(c)


@register.filter
def coupon_state(c: Any) -> str:
    return str(state_of(c, timezone.now()))


@register.filter
def coupon_state_label(c: Any) -> str:
    return str(CouponState(state_of(c, timezone.now())).label)


@register.filter
def coupon_use_url(c: Any) -> str:
    """Where to go to use a coupon: its product, its category, its community's shelf, or the shop."""
    t = c.template
    if t.scope == CouponScope.PRODUCT:
        first = t.products.order_by("pk").first()
        if first is not None:
            return f"/shop/p/{first.pk}/"
    if t.scope == CouponScope.CATEGORY and t.category_id:
        return f"/shop/?category={t.category_id}"
    if t.scope == CouponScope.COMMUNITY and t.community_id:
        return f"/c/{t.community.slug}/shop/"
    return "/shop/"


@register.filter
def remaining_percent(t: Any) -> int:
    """How much of the quota is left, in whole percent (100 when unlimited)."""
    if t.total_quota is None or t.total_quota == 0:
        return 100
    return max(0, (t.total_quota - t.claimed_count) * 100 // t.total_quota)
