"""What aftersales shows on other apps' pages through their registries: on one's own 我 page, the order row
(待付款 / 待发货 / 待收货 / 待评价 / 售后, each with its count and its list). It lives here, the lowest app that
knows all five: the first three are orders' statuses, the last two are reviews and after-sales requests."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from quanzi.aftersales import selectors
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus


def profile_panel(request: Any, member: Any) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != member.pk:
        return ""
    counts = order_selectors.order_status_counts(user=user)
    cells = [
        ("pending_payment", _("待付款"), counts[OrderStatus.PENDING_PAYMENT], "/orders/?status=pending_payment"),
        ("to_ship", _("待发货"), counts[OrderStatus.PAID], "/orders/?status=paid"),
        ("to_receive", _("待收货"), counts[OrderStatus.SHIPPED], "/orders/?status=shipped"),
        ("to_review", _("待评价"), selectors.orders_to_review_count(user=user), "/orders/?status=delivered"),
        ("aftersales", _("售后"), selectors.open_request_count(user=user), "/aftersales/"),
    ]
    return render_to_string("aftersales/_order_row.html", {"cells": cells}, request=request)
