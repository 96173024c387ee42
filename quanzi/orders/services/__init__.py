"""Order writes. Split by area; import from here: `from quanzi.orders.services import order_place`."""

from quanzi.orders.services.cart import (
    address_create,
    address_delete,
    address_set_default,
    address_update,
    cart_add,
    cart_clear,
    cart_set_quantity,
    shipping_template_set,
)
from quanzi.orders.services.checkout import order_place
from quanzi.orders.services.moments import (
    moment_dispatch,
    moments_dispatch_due,
    order_hold_add,
    order_hold_release,
)
from quanzi.orders.services.pipeline import (
    MarkPaidResult,
    order_cancel,
    order_confirm_receipt,
    order_lines_cancel_unshipped,
    order_mark_paid,
    order_payment_window_shorten,
    order_record_refund,
    order_settle,
    order_settle_due,
    order_ship,
    order_transition,
    release_expired_for_skus,
    tracking_event_add,
)

__all__ = [
    "MarkPaidResult",
    "address_create",
    "address_delete",
    "address_set_default",
    "address_update",
    "cart_add",
    "cart_clear",
    "cart_set_quantity",
    "order_cancel",
    "moment_dispatch",
    "moments_dispatch_due",
    "order_confirm_receipt",
    "order_hold_add",
    "order_hold_release",
    "order_lines_cancel_unshipped",
    "order_mark_paid",
    "order_payment_window_shorten",
    "order_place",
    "order_record_refund",
    "order_settle",
    "order_settle_due",
    "order_ship",
    "order_transition",
    "release_expired_for_skus",
    "shipping_template_set",
    "tracking_event_add",
]
