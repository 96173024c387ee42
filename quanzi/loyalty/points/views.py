"""Points pages: "我的积分" (the balance, what expires soon, the ledger with reasons, my redemptions) and the points
mall with its redeem buttons. Thin: the services and selectors do the work."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.events import track
from quanzi.core.pages import call_service, page_of
from quanzi.loyalty.points import selectors, services
from quanzi.loyalty.points.conf import conf
from quanzi.orders.selectors import address_list


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    user_id: int = request.user.pk or 0  # login_required: always a member here
    services.points_expire_due(user_id=user_id)  # lots past their date are written off before the ledger is shown
    track("page.points", user=request.user)
    return render(request, "points/mine.html", {
        "balance": selectors.points_balance(user_id=user_id),
        "expiring": selectors.expiring_soon(user_id=user_id), "soon_days": conf("EXPIRING_SOON_DAYS"),
        "page": page_of(request, selectors.ledger(user_id=user_id)),
        "redemptions": list(selectors.redemptions(user_id=user_id)[:5]),
        "per_yuan": conf("REDEEM_PER_YUAN"), "earn_per_yuan": conf("EARN_PER_YUAN"), "nav": "me"})


def mall(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    items = list(selectors.mall_items())
    counts = selectors.member_counts(user=user, item_ids=[i.pk for i in items])
    balance = selectors.points_balance(user_id=user.pk) if user else 0
    rows = [{"item": i, "mine": counts.get(i.pk, 0), "affordable": balance >= i.cost_points,
             "at_limit": counts.get(i.pk, 0) >= i.per_member_limit} for i in items]
    track("page.points_mall", user=request.user)
    return render(request, "points/mall.html", {
        "rows": rows, "balance": balance, "addresses": list(address_list(user=user)) if user else [],
        "request_key": uuid.uuid4().hex, "nav": "me"})


@require_POST
def mall_redeem(request: HttpRequest, item_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("/login/?next=/points/mall/")
    errs: list[str] = []
    redemption = call_service(errs, services.mall_redeem, user=request.user, item_id=item_id,
                              request_key=request.POST.get("request_key", ""),
                              address_id=_int(request.POST.get("address_id")))
    if redemption is not None:
        messages.success(request, _("兑换成功：%(t)s，消耗 %(p)s 积分") % {"t": redemption.item.title,
                                                                  "p": redemption.points})
    for e in errs:
        messages.error(request, e)
    return redirect("/points/mall/")
