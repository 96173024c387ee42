"""After-sales and review writes. Import from here: `from quanzi.aftersales.services import aftersale_approve`."""

from quanzi.aftersales.services.requests import (
    aftersale_approve,
    aftersale_cancel,
    aftersale_close_overdue,
    aftersale_photos_add,
    aftersale_refund_submit,
    aftersale_refund_sync,
    aftersale_reject,
    aftersale_request_create,
    aftersale_return_receive,
    aftersale_return_ship,
    refund_no_for,
)
from quanzi.aftersales.services.reviews import review_create, review_fold, review_photos_add, review_unfold

__all__ = [
    "aftersale_approve",
    "aftersale_cancel",
    "aftersale_close_overdue",
    "aftersale_photos_add",
    "aftersale_refund_submit",
    "aftersale_refund_sync",
    "aftersale_reject",
    "aftersale_request_create",
    "aftersale_return_receive",
    "aftersale_return_ship",
    "refund_no_for",
    "review_create",
    "review_fold",
    "review_photos_add",
    "review_unfold",
]
