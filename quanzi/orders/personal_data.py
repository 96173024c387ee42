"""Orders' part of a member's personal data (core/personal_data.py). Registered in `OrdersConfig.ready()`.

Export: the member's orders with their lines (the generic pass adds addresses, carts and the rest).
Erase (注销): the address book and the cart go; orders are kept, because the E-Commerce Law (电子商务法 art. 31)
asks a platform to keep transaction records for at least three years after the transaction, and the merchant needs
them for its books and after-sales; but their address snapshot is anonymised: the merchant still sees the order,
its goods and money, not who received it or where."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from quanzi.core import personal_data
from quanzi.orders.models import Address, Cart, CartItem, Order, OrderLine

ERASED_NAME = "已注销用户"
ERASED_ADDRESS = "（已匿名化）"


def export_orders(user_id: int) -> list[dict[str, Any]]:
    orders = personal_data.rows_of(Order.objects.filter(buyer_id=user_id))
    lines: dict[int, list[dict[str, Any]]] = {}
    for line in personal_data.rows_of(OrderLine.objects.filter(order__buyer_id=user_id)):
        lines.setdefault(line["order_id"], []).append(line)
    for order in orders:
        order["lines"] = lines.get(order["id"], [])
    return orders


@transaction.atomic
def erase_buyer(user_id: int) -> None:
    Address.objects.filter(user_id=user_id).delete()
    CartItem.objects.filter(cart__user_id=user_id).delete()
    Cart.objects.filter(user_id=user_id).delete()
    # an update of three text columns: no status, money or stock moves, so no order lock or moment is needed
    Order.objects.filter(buyer_id=user_id).update(ship_name=ERASED_NAME, ship_phone="", ship_address=ERASED_ADDRESS,
                                                  note="")


def register() -> None:
    personal_data.register("orders", export=export_orders, erase=erase_buyer,
                           models=("orders.Order", "orders.OrderLine"), erase_order=40)
