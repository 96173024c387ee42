from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the orders app raises (addresses, shipping templates, cart, checkout, the order pipeline); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ADDRESS_MISSING = "address_missing"
    ADDRESS_NOT_FOUND = "address_not_found"
    AMOUNT_MISMATCH = "amount_mismatch"
    CANCEL_EXCEEDS_QUANTITY = "cancel_exceeds_quantity"
    CART_FULL = "cart_full"
    EMPTY_CART = "empty_cart"
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_CARRIER = "invalid_carrier"
    INVALID_CITY = "invalid_city"
    INVALID_DESCRIPTION = "invalid_description"
    INVALID_DETAIL = "invalid_detail"
    INVALID_DISTRICT = "invalid_district"
    INVALID_HOLD_REASON = "invalid_hold_reason"
    INVALID_HOLD_SOURCE = "invalid_hold_source"
    INVALID_MODE = "invalid_mode"
    INVALID_NAME = "invalid_name"
    INVALID_PAYMENT = "invalid_payment"
    INVALID_PAY_MINUTES = "invalid_pay_minutes"
    INVALID_PHONE = "invalid_phone"
    INVALID_PROVINCE = "invalid_province"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_REF = "invalid_ref"
    INVALID_REFUND = "invalid_refund"
    INVALID_SHIPPING_TEMPLATE = "invalid_shipping_template"
    INVALID_STATUS = "invalid_status"
    INVALID_TRACKING_NO = "invalid_tracking_no"
    LINE_NOT_IN_ORDER = "line_not_in_order"
    LINE_REFUND_EXCEEDS_PAYABLE = "line_refund_exceeds_payable"
    NO_LINES = "no_lines"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_IN_CART = "not_in_cart"
    NOT_SHIPPED = "not_shipped"
    NOT_YOUR_ORDER = "not_your_order"
    ORDER_ALREADY_SHIPPED = "order_already_shipped"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_ON_HOLD = "order_on_hold"
    ORDER_REFUND_PENDING = "order_refund_pending"
    OUT_OF_STOCK = "out_of_stock"
    PAYMENT_REF_REUSED = "payment_ref_reused"
    PRICE_CHANGED = "price_changed"
    PRODUCT_OFF_SHELF = "product_off_shelf"
    REF_REUSED = "ref_reused"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    REFUND_LINES_MISMATCH = "refund_lines_mismatch"
    REFUND_REF_REUSED = "refund_ref_reused"
    SHEET_INVALID = "sheet_invalid"  # a batch-shipping sheet that cannot be read (web.merchant_sheets)
    SHEET_TOO_LARGE = "sheet_too_large"
    SHIPPING_TEMPLATE_NOT_FOUND = "shipping_template_not_found"
    SKU_NOT_FOUND = "sku_not_found"


def empty_cart() -> InvalidInput:
    return InvalidInput(ErrorCode.EMPTY_CART, _("购物车是空的"))


def invalid_quantity() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_QUANTITY, _("购买数量需为 1–999 的整数"))


def address_missing() -> InvalidInput:
    return InvalidInput(ErrorCode.ADDRESS_MISSING, _("请选择收货地址"))


def product_off_shelf(title: str = "") -> Conflict:
    return Conflict(ErrorCode.PRODUCT_OFF_SHELF, _("商品已下架：%(t)s") % {"t": title})


def out_of_stock(title: str, sku_id: int) -> Conflict:
    return Conflict(ErrorCode.OUT_OF_STOCK, _("库存不足：%(t)s") % {"t": title}, sku_id=sku_id)


def price_changed(expected: int, actual: int) -> Conflict:
    return Conflict(ErrorCode.PRICE_CHANGED, _("价格已变化，请确认新的应付金额"), expected_total_fen=expected,
                    total_fen=actual)


def idempotency_key_missing() -> InvalidInput:
    return InvalidInput(ErrorCode.IDEMPOTENCY_KEY_MISSING, _("缺少幂等键"))


def idempotency_key_reused() -> InvalidInput:
    """The key of an earlier checkout sent with a different body: 422, never the earlier checkout's answer."""
    return InvalidInput(ErrorCode.IDEMPOTENCY_KEY_REUSED, _("该幂等键已用于另一笔不同内容的下单，请换一个新的键"),
                        status=422)


def order_not_found() -> NotFound:
    return NotFound(ErrorCode.ORDER_NOT_FOUND, _("订单不存在"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("订单当前状态为「%(c)s」，不能变为「%(t)s」") % {"c": current, "t": target})


def amount_mismatch(expected: int, got: int) -> Conflict:
    return Conflict(ErrorCode.AMOUNT_MISMATCH, _("支付金额与订单应付金额不一致"), payable_fen=expected, amount_fen=got)


def refund_exceeds_paid() -> Conflict:
    return Conflict(ErrorCode.REFUND_EXCEEDS_PAID, _("退款总额不能超过实付金额"))


def not_your_order() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_YOUR_ORDER, _("无权操作该订单"))


def address_not_found() -> NotFound:
    return NotFound(ErrorCode.ADDRESS_NOT_FOUND, _("地址不存在"))


def shipping_template_not_found() -> NotFound:
    return NotFound(ErrorCode.SHIPPING_TEMPLATE_NOT_FOUND, _("还没有设置运费模板（默认包邮）"))


def refund_pending() -> Conflict:
    return Conflict(ErrorCode.ORDER_REFUND_PENDING, _("买家有待处理的退款申请，请先处理售后申请再发货"))


def already_shipped() -> Conflict:
    return Conflict(ErrorCode.ORDER_ALREADY_SHIPPED, _("订单已发货，不能在发货前取消商品"))


def line_not_in_order() -> InvalidInput:
    return InvalidInput(ErrorCode.LINE_NOT_IN_ORDER, _("该商品不属于这个订单"))


def cancel_exceeds_quantity(title: str) -> Conflict:
    return Conflict(ErrorCode.CANCEL_EXCEEDS_QUANTITY, _("取消数量超过了未发货的数量：%(t)s") % {"t": title})


def line_refund_exceeds_payable(title: str) -> Conflict:
    return Conflict(ErrorCode.LINE_REFUND_EXCEEDS_PAYABLE, _("商品的退款总额不能超过其实付金额：%(t)s") % {"t": title})


def refund_lines_mismatch() -> InvalidInput:
    return InvalidInput(ErrorCode.REFUND_LINES_MISMATCH, _("各商品的退款分摊之和必须等于退款金额"))


def on_hold(reasons: str) -> Conflict:
    return Conflict(ErrorCode.ORDER_ON_HOLD, _("订单暂缓发货：%(r)s") % {"r": reasons})
