"""The cashier (收银台) of one checkout: every order the checkout made (one per merchant), the amount, the payment
countdown, the payment methods offered where the buyer is, and one pay button. Paying makes one combined trade
(`payments.combined`, 合单支付) for the orders still waiting; the gateway's page (or the sandbox cashier) comes
back to the checkout's result page.

A page of the top layer: it reads orders (the checkout's orders, their status now) and payments (the cashier
options, the combined trade); the services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.pages import call_service
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus
from quanzi.payments import cashier
from quanzi.payments import combined as combined_services
from quanzi.payments import errors as payment_errors
from quanzi.payments import selectors as payment_selectors
from quanzi.payments.enums import GatewayName, PaymentKind, PaymentStatus
from quanzi.payments.gateways import available_gateways
from quanzi.wxlogin import selectors as wx_selectors

PAID = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED,
                  OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED})


def _checkout_orders(user: Any, checkout_id: int) -> list[dict[str, Any]]:
    """The buyer's orders of the checkout with their status now; someone else's checkout is a 404."""
    ids = order_selectors.checkout_order_ids(checkout_id=checkout_id)
    if not ids:
        raise payment_errors.checkout_not_found()
    rows = []
    for pk in ids:
        order = order_selectors.order_get_for_buyer(user=user, order_id=pk)
        rows.append({"order": order, "status": order_selectors.order_status_now(order)})
    return rows


@login_required
def cashier_page(request: HttpRequest, checkout_id: int) -> HttpResponse:
    rows = _checkout_orders(request.user, checkout_id)
    pending = [r["order"] for r in rows if r["status"] == OrderStatus.PENDING_PAYMENT]
    errors: list[str] = []
    user_agent = request.headers.get("User-Agent", "")
    options = cashier.cashier_options(user_agent=user_agent)
    if request.method == "POST" and pending:
        gateway, _sep, kind = request.POST.get("method", "").partition(":")
        if (gateway, kind) not in {(o.gateway, o.kind) for o in options}:
            errors.append(_("请选择支付方式"))
        else:
            made = call_service(errors, combined_services.combined_create, user=request.user,
                                checkout_id=checkout_id, gateway=gateway, kind=kind,
                                client_ip=request.META.get("REMOTE_ADDR", ""),
                                return_url=request.build_absolute_uri(reverse("cashier-result", args=[checkout_id])))
            if made is not None:
                data = made.client_data or {}
                pay_url = str(data.get("pay_url") or "")
                if pay_url.startswith(("/", "https://")) and made.kind not in (PaymentKind.NATIVE, PaymentKind.QR):
                    return redirect(pay_url)
                start = "&start=1" if "package" in (data.get("params") or {}) else ""
                return redirect(f"{reverse('cashier', args=[checkout_id])}?pay={made.combined_no}{start}")
    if not pending and not errors:
        return redirect("cashier-result", checkout_id=checkout_id)
    deadlines = [o.expires_at for o in pending if o.expires_at is not None]
    deadline = min(deadlines) if deadlines else None
    left = max(0, int((deadline - timezone.now()).total_seconds())) if deadline else None
    context: dict[str, Any] = {
        "checkout_id": checkout_id, "rows": rows, "pending": pending, "errors": errors, "options": options,
        "total_fen": sum(o.payable_fen for o in pending), "deadline": deadline,
        "seconds_left": left, "clock": f"{left // 60:02d}:{left % 60:02d}" if left is not None else "",
        "chosen": request.POST.get("method") or (f"{options[0].gateway}:{options[0].kind}" if options else ""),
        "nav": ""}
    if cashier.client_of(user_agent) in (cashier.WECHAT, cashier.MINIPROGRAM) and cashier.needs_wechat_login(
            user=request.user, options=options):
        context["wx_login_url"] = wx_selectors.login_url(next_url=request.get_full_path())
    number = request.GET.get("pay", "")
    open_one = payment_selectors.combined_find_for_payer(user=request.user, number=number) if number else None
    if open_one is not None and open_one.checkout_id == checkout_id and open_one.status == PaymentStatus.CREATED:
        params = dict((open_one.client_data or {}).get("params") or {})
        code = params.get("code_url") or params.get("qr_code")
        context.update(open_payment=open_one, pay_params=params if "package" in params else None,
                       pay_qr=cashier.qr_svg(str(code)) if code else "", autostart=request.GET.get("start") == "1")
    context["sandbox_bridge"] = GatewayName.SANDBOX in available_gateways()
    return render(request, "web/cashier.html", context, status=400 if errors else 200)


@login_required
def cashier_result(request: HttpRequest, checkout_id: int) -> HttpResponse:
    """Where paying comes back to: each order of the checkout and how it stands; while the trade's notification
    has not been applied yet, the page looks again by itself."""
    rows = _checkout_orders(request.user, checkout_id)
    trade = payment_selectors.combined_latest_for_checkout(user=request.user, checkout_id=checkout_id)
    paid = [r for r in rows if r["status"] in PAID]
    waiting = trade is not None and trade.status == PaymentStatus.CREATED
    template = "web/_cashier_result.html" if request.headers.get("HX-Request") else "web/cashier_result.html"
    return render(request, template, {
        "checkout_id": checkout_id, "rows": rows, "trade": trade, "all_paid": len(paid) == len(rows),
        "paid_fen": sum(r["order"].paid_fen for r in paid), "waiting": waiting,
        "can_pay": any(r["status"] == OrderStatus.PENDING_PAYMENT for r in rows), "nav": "me"})
