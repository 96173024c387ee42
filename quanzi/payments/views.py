"""The sandbox cashier page (of a payment or a combined trade): shows the amount and a 确认支付 button; confirming makes the sandbox bank send its
signed notification; the page then polls the payment's status until the callback has been applied."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.core.money import format_yuan
from quanzi.core.pages import call_service
from quanzi.payments import combined as combined_services
from quanzi.payments import errors as errors_
from quanzi.payments import selectors, services
from quanzi.payments.enums import GatewayName, PaymentStatus
from quanzi.payments.errors import ErrorCode
from quanzi.payments.gateways import available_gateways
from quanzi.payments.gateways.sandbox import bridge_payment_no
from quanzi.payments.models import CombinedPayment, Payment


def _order_url(payment: Payment) -> str:
    for name in ("orders:order_detail", "order_detail", "orders:detail"):
        try:
            return reverse(name, args=[payment.order_id])
        except NoReverseMatch:
            continue
    return "/"


def _context(payment: Payment, **extra: object) -> dict[str, object]:
    return {"payment": payment, "order": payment.order, "order_url": _order_url(payment),
            "amount_text": format_yuan(payment.amount_fen), **extra}


def _combined_context(combined: CombinedPayment, **extra: object) -> dict[str, object]:
    """A combined trade (合单支付) on the sandbox cashier: its amount; paid, back to the checkout's result page."""
    try:
        back = reverse("cashier-result", args=[combined.checkout_id])
    except NoReverseMatch:
        back = "/"
    shares = selectors.combined_shares(combined=combined)
    return {"payment": combined, "order": None, "shares": shares, "order_url": back,
            "amount_text": format_yuan(combined.amount_fen), **extra}


@login_required
def sandbox_pay(request: HttpRequest, payment_no: str) -> HttpResponse:
    combined = selectors.combined_find_for_payer(user=request.user, number=payment_no)
    if combined is not None:
        return _sandbox_pay_combined(request, combined)
    payment = selectors.payment_get_for_payer(user=request.user, payment_no=payment_no)
    if payment.gateway != GatewayName.SANDBOX:
        raise errors_.payment_not_found()
    if GatewayName.SANDBOX not in available_gateways():  # switched off: no cashier that pays for free
        raise errors_.gateway_unavailable(GatewayName.SANDBOX)
    errors: list[str] = []
    if request.method == "POST":
        if call_service(errors, services.sandbox_confirm, user=request.user, payment_no=payment_no) is not None:
            return redirect(f"{request.path}?sent=1")
    payment.refresh_from_db()
    return render(request, "payments/sandbox_pay.html",
                  _context(payment, errors=errors, sent=request.GET.get("sent") == "1"),
                  status=400 if errors else 200)


def _sandbox_pay_combined(request: HttpRequest, combined: CombinedPayment) -> HttpResponse:
    if combined.gateway != GatewayName.SANDBOX:
        raise errors_.payment_not_found()
    if GatewayName.SANDBOX not in available_gateways():
        raise errors_.gateway_unavailable(GatewayName.SANDBOX)
    errors: list[str] = []
    if request.method == "POST":
        if call_service(errors, combined_services.sandbox_confirm, user=request.user,
                        combined_no=combined.combined_no) is not None:
            return redirect(f"{request.path}?sent=1")
    combined.refresh_from_db()
    return render(request, "payments/sandbox_pay.html",
                  _combined_context(combined, errors=errors, sent=request.GET.get("sent") == "1"),
                  status=400 if errors else 200)


@login_required
def sandbox_status(request: HttpRequest, payment_no: str) -> HttpResponse:
    combined = selectors.combined_find_for_payer(user=request.user, number=payment_no)
    if combined is not None:
        return render(request, "payments/_sandbox_status.html", _combined_context(combined, sent=True))
    payment = selectors.payment_get_for_payer(user=request.user, payment_no=payment_no)
    return render(request, "payments/_sandbox_status.html", _context(payment, sent=True))


# --- the sandbox's stand-in for WeChat's JS bridge (JSAPI kind), and the cashier's status check ------------------


def sandbox_bridge_js(request: HttpRequest) -> HttpResponse:
    """The sandbox WeixinJSBridge shim: served only while the sandbox gateway is on."""
    if GatewayName.SANDBOX not in available_gateways():
        raise errors_.gateway_unavailable(GatewayName.SANDBOX)
    return render(request, "payments/sandbox_bridge.js", {
        "confirm_url": reverse("payments:sandbox_bridge_confirm"), "sheet_title": _("微信支付（沙箱）"),
        "confirm_text": _("确认支付"), "cancel_text": _("取消")}, content_type="text/javascript; charset=utf-8")


@login_required
@require_POST
def sandbox_bridge_confirm(request: HttpRequest) -> JsonResponse:
    """The shim's "pay": the JSAPI parameters come back with their sandbox paySign; a valid one confirms the
    buyer's own payment through the sandbox bank (its signed notification follows, as WeChat Pay's would)."""
    try:
        params: Any = json.loads(request.body or b"{}")
    except ValueError:
        params = None
    payment_no = bridge_payment_no(params) if isinstance(params, dict) else None
    if payment_no is None:
        return JsonResponse({"code": ErrorCode.BAD_SIGNATURE, "message": _("签名校验失败")}, status=400)
    try:
        if selectors.combined_find_for_payer(user=request.user, number=payment_no) is not None:
            confirmed: Payment | CombinedPayment = combined_services.sandbox_confirm(user=request.user,
                                                                                  combined_no=payment_no)
        else:
            confirmed = services.sandbox_confirm(user=request.user, payment_no=payment_no)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status)
    return JsonResponse({"ok": True, "payment_no": confirmed.payment_no})


@login_required
def payment_state(request: HttpRequest, payment_no: str) -> JsonResponse:
    """Whether the buyer's payment (or combined trade) has been booked (the cashier waits for the notification)."""
    payment: Payment | CombinedPayment | None = selectors.combined_find_for_payer(user=request.user,
                                                                                 number=payment_no)
    if payment is None:
        payment = selectors.payment_get_for_payer(user=request.user, payment_no=payment_no)
    return JsonResponse({"status": payment.status,
                         "paid": payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)})
