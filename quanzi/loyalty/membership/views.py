"""Membership pages: "我的等级" (level, growth value, progress, benefits, the growth ledger) and the paid-membership
page (plans with buy buttons that place the order and lead to its cashier, the trial, my periods with their
expiry and refund). Thin: the services and selectors do the work."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.events import track
from quanzi.core.money import format_yuan
from quanzi.core.pages import call_service, page_of
from quanzi.loyalty.membership import selectors, services

PLANS_URL = "/membership/plans/"


@login_required
def my_level(request: HttpRequest) -> HttpResponse:
    status = selectors.member_status(user=request.user)
    track("page.membership", user=request.user)
    return render(request, "membership/level.html", {
        "s": status, "page": page_of(request, selectors.growth_entries(user=request.user)), "nav": "me"})


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    status = selectors.member_status(user=request.user)
    periods = [(p, selectors.refund_quote(period=p), selectors.period_state(p)) for p in status.periods]
    track("page.membership_plans", user=request.user)
    return render(request, "membership/plans.html", {
        "s": status, "plans": selectors.plans_for_sale(), "periods": periods, "buy_key": uuid.uuid4().hex,
        "nav": "me"})


@require_POST
def plan_buy(request: HttpRequest, plan_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={PLANS_URL}")
    errs: list[str] = []
    key = (request.POST.get("idempotency_key") or "").strip() or uuid.uuid4().hex
    checkout = call_service(errs, services.plan_buy, user=request.user, plan_id=plan_id, idempotency_key=key)
    if checkout is not None:
        order = checkout.orders.order_by("pk").first()
        if order is not None:
            return redirect(f"/orders/{order.pk}/")  # the order page's cashier
    for e in errs:
        messages.error(request, e)
    return redirect(PLANS_URL)


@require_POST
def plan_trial(request: HttpRequest, plan_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={PLANS_URL}")
    errs: list[str] = []
    period = call_service(errs, services.trial_start, user=request.user, plan_id=plan_id)
    if period is not None:
        messages.success(request, _("试用已开通"))
    for e in errs:
        messages.error(request, e)
    return redirect(PLANS_URL)


@require_POST
def period_refund(request: HttpRequest, period_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={PLANS_URL}")
    errs: list[str] = []
    quote = call_service(errs, services.period_refund, user=request.user, period_id=period_id)
    if quote is not None:
        messages.success(request, _("已申请退款 %(y)s，到账后会员权益结束") % {"y": format_yuan(quote.amount_fen)})
    for e in errs:
        messages.error(request, e)
    return redirect(PLANS_URL)
