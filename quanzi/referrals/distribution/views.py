"""Distribution pages: the promoter centre (/promoter/: balances, clicks, invited members, orders, the chart,
the withdraw form, the ledger) and the operators' withdrawal queue (/ops/withdrawals/). Thin: the services and
selectors do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.events import track
from quanzi.core.money import format_yuan, parse_yuan
from quanzi.core.pages import call_service, error_response, page_of
from quanzi.referrals.distribution import errors, selectors, services
from quanzi.referrals.distribution.enums import WithdrawalStatus

CENTRE = "/promoter/"
QUEUE = "/ops/withdrawals/"


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    view = selectors.promoter_centre(user=request.user)
    conf = selectors.platform_settings()
    entries = page_of(request, selectors.entries_of(promoter_id=view.promoter.pk) if view.promoter else [],
                      per_page=10)
    withdrawals = list(selectors.withdrawals_of(promoter_id=view.promoter.pk)[:5]) if view.promoter else []
    track("page.promoter_centre", user=request.user)
    return render(request, "distribution/centre.html", {
        "v": view, "conf": conf, "page": entries, "withdrawals": withdrawals, "nav": "me",
        "chart": {"days": [d for d, _fen in view.chart], "fen": [fen for _d, fen in view.chart]},
        "chart_max": max([fen for _d, fen in view.chart] + [1])})


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    errs: list[str] = []
    promoter = call_service(errs, services.promoter_apply, user=request.user)
    if promoter is not None:
        messages.success(request, _("你已成为推广员") if promoter.status == "active" else _("申请已提交，等待审核"))
    for e in errs:
        messages.error(request, e)
    return redirect(CENTRE)


@login_required
@require_POST
def withdraw(request: HttpRequest) -> HttpResponse:
    errs: list[str] = []
    try:
        amount = parse_yuan(request.POST.get("amount", ""), symbol=True)
    except ValueError:
        errs.append(str(errors.invalid_amount().message))
        amount = 0
    if not errs:
        w = call_service(errs, services.withdrawal_request, user=request.user, amount_fen=amount)
        if w is not None:
            messages.success(request, _("提现申请已提交：%(a)s，手续费 %(f)s，到账 %(p)s") % {
                "a": format_yuan(w.amount_fen), "f": format_yuan(w.fee_fen), "p": format_yuan(w.payout_fen)})
    for e in errs:
        messages.error(request, e)
    return redirect(CENTRE)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        return error_response(request, errors.not_operator())
    status = request.GET.get("status", WithdrawalStatus.REQUESTED)
    status = status if status in WithdrawalStatus.values else ""
    page = page_of(request, selectors.withdrawal_queue(status=status))
    counts = selectors.queue_counts()
    track("page.withdrawal_queue", user=request.user, status=status or "all")
    return render(request, "distribution/queue.html", {
        "page": page, "status": status, "nav": "me",
        "statuses": [(value, label, counts.get(value, 0)) for value, label in WithdrawalStatus.choices]})


@login_required
@require_POST
def queue_action(request: HttpRequest, withdrawal_id: int, action: str) -> HttpResponse:
    errs: list[str] = []
    if action == "approve":
        w = call_service(errs, services.withdrawal_approve, operator=request.user, withdrawal_id=withdrawal_id)
    elif action == "reject":
        w = call_service(errs, services.withdrawal_reject, operator=request.user, withdrawal_id=withdrawal_id,
                         reason=request.POST.get("reason", ""))
    else:
        return error_response(request, errors.withdrawal_not_found())
    if w is not None:
        messages.success(request, _("提现 %(n)s：%(s)s") % {"n": w.number, "s": w.get_status_display()})
    for e in errs:
        messages.error(request, e)
    return redirect(f"{QUEUE}?status={request.POST.get('back', WithdrawalStatus.REQUESTED)}")
