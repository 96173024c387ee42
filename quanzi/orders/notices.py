"""Transactional notifications of an order's life, sent from the order moments (orders.hooks): the buyer hears
that the order was paid, shipped (carrier and tracking number) and delivered (订单动态); the merchant hears of a new
paid order (店铺订单).

Each is a moment hook, so its notification is written in the same transaction as the hook's run row
(`OrderMomentRun`): exactly once per moment, however often the moment is replayed or swept. Texts are catalogue
messages (`core.messages`), shown in the reader's language. Registered in `OrdersConfig.ready()`."""

from __future__ import annotations

from django.urls import reverse

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.catalog.selectors import merchant_find
from quanzi.core.messages import msg
from quanzi.core.money import format_yuan
from quanzi.orders import hooks
from quanzi.orders.models import Order, Shipment


def _order(event: hooks.OrderMomentEvent) -> Order:
    return Order.objects.only("pk", "number", "is_virtual").get(pk=event.order_id)


def _buyer_url(order: Order) -> str:
    return reverse("order_detail", args=[order.pk])


def notify_paid(event: hooks.OrderMomentEvent) -> None:
    order = _order(event)
    notification_create(recipient=event.buyer_id, kind=NotificationKind.ORDER, url=_buyer_url(order),
                        message=msg("notify.order_paid", n=order.number, amount=format_yuan(event.amount_fen)))


def notify_new_order(event: hooks.OrderMomentEvent) -> None:
    order = _order(event)
    if order.is_virtual:  # sold by the platform, delivered on payment: nothing for a merchant to do
        return
    merchant = merchant_find(merchant_id=event.merchant_id)
    if merchant is None or merchant.user_id == event.buyer_id:  # nobody is told of their own purchase
        return
    notification_create(recipient=merchant.user_id, kind=NotificationKind.SHOP,
                        url=f"{reverse('merchant-console')}?tab=ship#order-{order.pk}",
                        message=msg("notify.shop_new_order", n=order.number, amount=format_yuan(event.amount_fen)))


def notify_shipped(event: hooks.OrderMomentEvent) -> None:
    order = _order(event)
    shipment = Shipment.objects.filter(order_id=order.pk).only("carrier", "tracking_no").first()
    if shipment is None:  # shipped always writes its shipment in the same transaction; defensive
        return
    notification_create(recipient=event.buyer_id, kind=NotificationKind.ORDER, url=_buyer_url(order),
                        message=msg("notify.order_shipped", n=order.number, c=shipment.carrier,
                                    no=shipment.tracking_no))


def notify_delivered(event: hooks.OrderMomentEvent) -> None:
    order = _order(event)
    if order.is_virtual:  # delivered the moment it was paid: the "paid" notification said it all
        return
    notification_create(recipient=event.buyer_id, kind=NotificationKind.ORDER, url=_buyer_url(order),
                        message=msg("notify.order_delivered", n=order.number))


def register() -> None:
    hooks.on_paid("orders.notice_paid", notify_paid)
    hooks.on_paid("orders.notice_new_order", notify_new_order)
    hooks.on_moment(hooks.Moment.SHIPPED, "orders.notice_shipped", notify_shipped)
    hooks.on_moment(hooks.Moment.DELIVERED, "orders.notice_delivered", notify_delivered)
