"""Transactional notifications of after-sales: the buyer hears the merchant's decision (approved, or rejected with
the reason) and that a refund arrived (amount and where it went back to); the merchant hears of a new request and
of a return the buyer shipped (店铺订单).

A decision, a request and a returned parcel are each a conditional state move (`rules.TRANSITIONS`): the services
call these in the move's transaction, so a replayed call, refused by the state machine, writes nothing. The refund
notice is an order moment hook (`refunded`, once per refund booked on the order; its run row commits with it),
registered in `AftersalesConfig.ready()`. Texts are catalogue messages shown in the reader's language."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.aftersales.enums import AfterSaleKind
from quanzi.aftersales.models import AfterSaleRequest
from quanzi.catalog.selectors import merchant_find
from quanzi.core.errors import NotFound
from quanzi.core.messages import Message, msg
from quanzi.core.money import format_yuan
from quanzi.orders.selectors import order_number


def _buyer(req: AfterSaleRequest, message: Message) -> None:
    notification_create(recipient=req.buyer_id, kind=NotificationKind.AFTERSALE, message=message,
                        url=reverse("aftersale_detail", args=[req.pk]))


def _merchant(req: AfterSaleRequest, message: Message) -> None:
    merchant = merchant_find(merchant_id=req.merchant_id)
    if merchant is None or merchant.user_id == req.buyer_id:
        return
    notification_create(recipient=merchant.user_id, kind=NotificationKind.SHOP, message=message,
                        url=reverse("merchant-aftersales"))


def request_created(req: AfterSaleRequest) -> None:
    _merchant(req, msg("notify.shop_aftersale", n=order_number(order_id=req.order_id), reason=req.reason))


def request_approved(req: AfterSaleRequest) -> None:
    if req.kind == AfterSaleKind.RETURN_AND_REFUND:
        _buyer(req, msg("notify.aftersale_approved_return", n=req.number))
    else:  # refund only: the refund is asked for at once
        _buyer(req, msg("notify.aftersale_approved", n=req.number))


def request_rejected(req: AfterSaleRequest) -> None:
    _buyer(req, msg("notify.aftersale_rejected", n=req.number, r=req.reject_reason))


def return_shipped(req: AfterSaleRequest) -> None:
    _merchant(req, msg("notify.shop_return_shipped", n=req.number, c=req.return_carrier,
                       no=req.return_tracking_no))


def refund_arrived(event: Any) -> None:
    """Order moment hook (`refunded`): tell the buyer the money is back, and to which payment method."""
    from quanzi.payments import selectors as payment_selectors

    number = order_number(order_id=event.order_id)
    amount = format_yuan(event.amount_fen)
    try:
        gateway = payment_selectors.refund_get(refund_no=event.ref).payment.gateway
    except NotFound:  # booked on the order without a payments refund (should not happen): say it plainly
        gateway = ""
    message = msg("notify.refund_arrived", n=number, amount=amount, m=gateway) if gateway \
        else msg("notify.refund_arrived_plain", n=number, amount=amount)
    req = AfterSaleRequest.objects.filter(order_id=event.order_id, refund_no=event.ref).only("pk").first()
    if req is not None:
        notification_create(recipient=event.buyer_id, kind=NotificationKind.AFTERSALE, message=message,
                            url=reverse("aftersale_detail", args=[req.pk]))
    else:  # an operator's refund, not an after-sales request's: the order page shows it
        notification_create(recipient=event.buyer_id, kind=NotificationKind.ORDER, message=message,
                            url=reverse("order_detail", args=[event.order_id]))
