"""Payments API: start paying an order (or a checkout's orders at once: 合单支付), read a payment, the cashier of a
checkout, gateway callbacks, an order's payments and refunds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, required
from quanzi.core.pagination import PageNumber
from quanzi.payments import combined, selectors, services
from quanzi.payments.gateways import get_gateway
from quanzi.payments.models import CombinedPayment, Payment
from quanzi.payments.schemas import (
    CashierOut,
    CombinedIn,
    CombinedOut,
    GatewayOut,
    PaymentIn,
    PaymentOut,
    RefundOut,
)

router = Router(tags=["payments 支付"])


@router.get("/gateways", response=list[GatewayOut], auth=None)
def gateways(request: HttpRequest) -> list[dict[str, str]]:
    return selectors.gateway_choices()


@router.post("/", response={201: PaymentOut}, auth=required)
def payment_create(request: HttpRequest, data: PaymentIn) -> Status:
    payment = services.payment_create(user=current_user(request), order_id=data.order_id, gateway=data.gateway)
    return Status(201, payment)


@router.post("/combined", response={201: CombinedOut}, auth=required)
def combined_create(request: HttpRequest, data: CombinedIn) -> Status:
    """Pay the orders of one checkout (several merchants) with one gateway trade (合单支付): only the buyer's own
    orders, of this checkout, still waiting for payment; an open trade for the same orders is reused."""
    made = combined.combined_create(
        user=current_user(request), checkout_id=data.checkout_id, gateway=data.gateway, kind=data.kind,
        order_ids=data.order_ids, client_ip=request.META.get("REMOTE_ADDR", ""))
    return Status(201, made)


@router.get("/combined/{combined_no}", response=CombinedOut, auth=required)
def combined_get(request: HttpRequest, combined_no: str) -> CombinedPayment:
    return selectors.combined_get_for_payer(user=current_user(request), combined_no=combined_no)


@router.get("/checkouts/{checkout_id}/cashier", response=CashierOut, auth=required)
def checkout_cashier(request: HttpRequest, checkout_id: int) -> dict[str, object]:
    """The cashier (收银台) of a checkout: its orders and merchants, the amount, the payment deadline, the payment
    methods offered where the client is (by its User-Agent), and the latest combined trade."""
    return selectors.checkout_cashier(user=current_user(request), checkout_id=checkout_id,
                                      user_agent=request.headers.get("User-Agent", ""))


@router.get("/orders/{order_id}/payments", response=list[PaymentOut], auth=required)
@paginate(PageNumber)
def order_payments(request: HttpRequest, order_id: int) -> object:
    return selectors.payment_list_for_order(user=current_user(request), order_id=order_id)


@router.get("/orders/{order_id}/refunds", response=list[RefundOut], auth=required)
@paginate(PageNumber)
def order_refunds(request: HttpRequest, order_id: int) -> object:
    return selectors.refund_list_for_order(user=current_user(request), order_id=order_id)


@router.post("/callback/{gateway}", auth=None, include_in_schema=True)
def callback(request: HttpRequest, gateway: str) -> HttpResponse:
    """Gateway notifications: no login; trusted only through the gateway's signature. Answered in the format the
    gateway expects (WeChat Pay: 204 / JSON FAIL; Alipay: 'success' / 'fail'; sandbox: JSON)."""
    gw = get_gateway(gateway)
    outcome = services.payment_handle_callback(gateway=gateway, headers=dict(request.headers), body=request.body)
    ack = gw.ack(outcome.ok, outcome.code, outcome.message)
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)


@router.post("/refund-callback/{gateway}", auth=None, include_in_schema=True)
def refund_callback(request: HttpRequest, gateway: str) -> HttpResponse:
    """Refund notifications (WeChat Pay REFUND.SUCCESS / ABNORMAL / CLOSED): verified like payment notifications,
    answered in the gateway's format."""
    gw = get_gateway(gateway)
    outcome = services.refund_handle_callback(gateway=gateway, headers=dict(request.headers), body=request.body)
    ack = gw.ack(outcome.ok, outcome.code, outcome.message)
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)


@router.get("/{payment_no}", response=PaymentOut, auth=required)
def payment_get(request: HttpRequest, payment_no: str) -> Payment:
    return selectors.payment_get_for_payer(user=current_user(request), payment_no=payment_no)


