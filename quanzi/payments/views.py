"""The sandbox cashier page: shows the amount and a 确认支付 button; confirming makes the sandbox bank send its
signed notification; the page then polls the payment's status until the callback has been applied."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from quanzi.core.money import format_yuan
from quanzi.core.pages import call_service
from quanzi.payments import errors as errors_
from quanzi.payments import selectors, services
from quanzi.payments.enums import GatewayName
from quanzi.payments.gateways import available_gateways
from quanzi.payments.models import Payment


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


@login_required
def sandbox_pay(request: HttpRequest, payment_no: str) -> HttpResponse:
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


@login_required
def sandbox_status(request: HttpRequest, payment_no: str) -> HttpResponse:
    payment = selectors.payment_get_for_payer(user=request.user, payment_no=payment_no)
    return render(request, "payments/_sandbox_status.html", _context(payment, sent=True))
