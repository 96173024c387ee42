"""After-sales and review error codes."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the aftersales app raises (after-sales requests and reviews); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    AFTERSALE_ILLEGAL_TRANSITION = "aftersale_illegal_transition"
    AFTERSALE_NOT_FOUND = "aftersale_not_found"
    ALREADY_REVIEWED = "already_reviewed"
    AMOUNT_EXCEEDS_REFUNDABLE = "amount_exceeds_refundable"
    FOLD_REASON_REQUIRED = "fold_reason_required"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CARRIER = "invalid_carrier"
    INVALID_KIND = "invalid_kind"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_RATING = "invalid_rating"
    INVALID_REASON = "invalid_reason"
    INVALID_REASON_TEXT = "invalid_reason_text"
    INVALID_REVIEW_TEXT = "invalid_review_text"
    INVALID_STATUS = "invalid_status"
    INVALID_TRACKING_NO = "invalid_tracking_no"
    LINE_HAS_OPEN_REQUEST = "line_has_open_request"
    LINE_NOT_IN_ORDER = "line_not_in_order"
    NO_LINES = "no_lines"
    NO_PHOTOS = "no_photos"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_OPERATOR = "not_operator"
    ORDER_NOT_ELIGIBLE = "order_not_eligible"
    PHOTOS_LOCKED = "photos_locked"
    QUANTITY_EXCEEDS = "quantity_exceeds"
    REASON_NEEDS_RETURN = "reason_needs_return"
    REJECT_REASON_REQUIRED = "reject_reason_required"
    RETURN_BEFORE_SHIPMENT = "return_before_shipment"
    RETURN_EXEMPT_PRODUCT = "return_exempt_product"
    RETURN_SHIP_EXPIRED = "return_ship_expired"
    RETURN_WINDOW_CLOSED = "return_window_closed"
    REVIEW_NOT_ALLOWED = "review_not_allowed"
    REVIEW_NOT_FOUND = "review_not_found"
    TOO_MANY_PHOTOS = "too_many_photos"


def request_not_found() -> NotFound:
    return NotFound(ErrorCode.AFTERSALE_NOT_FOUND, _("售后申请不存在"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.AFTERSALE_ILLEGAL_TRANSITION,
                    _("售后申请当前状态为「%(c)s」，不能变为「%(t)s」") % {"c": current, "t": target})


def order_not_eligible() -> Conflict:
    return Conflict(ErrorCode.ORDER_NOT_ELIGIBLE, _("该订单当前状态不能申请售后"))


def return_before_shipment() -> Conflict:
    return Conflict(ErrorCode.RETURN_BEFORE_SHIPMENT, _("订单尚未发货，请选择仅退款"))


def reason_needs_return() -> Conflict:
    return Conflict(ErrorCode.REASON_NEEDS_RETURN, _("已发货的商品以该原因申请，需退货退款"))


def return_window_closed(days: int) -> Conflict:
    return Conflict(ErrorCode.RETURN_WINDOW_CLOSED, _("已超过签收后 %(d)s 天的无理由退货期限") % {"d": days})


def product_exempt(title: str, exemption: str) -> Conflict:
    return Conflict(ErrorCode.RETURN_EXEMPT_PRODUCT, _("「%(t)s」属于%(e)s，不支持七天无理由退货") % {"t": title, "e": exemption})


def line_busy(title: str) -> Conflict:
    return Conflict(ErrorCode.LINE_HAS_OPEN_REQUEST, _("「%(t)s」已有进行中的售后申请") % {"t": title})


def no_lines() -> InvalidInput:
    return InvalidInput(ErrorCode.NO_LINES, _("请选择要售后的商品"))


def line_not_in_order() -> InvalidInput:
    return InvalidInput(ErrorCode.LINE_NOT_IN_ORDER, _("所选商品不属于该订单"))


def quantity_exceeds(title: str, left: int) -> InvalidInput:
    return InvalidInput(ErrorCode.QUANTITY_EXCEEDS, _("「%(t)s」最多可申请 %(n)s 件") % {"t": title, "n": left})


def amount_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_AMOUNT, _("退款金额需为正整数（分）"))


def amount_exceeds(cap_fen: int) -> Conflict:
    from quanzi.core.money import format_yuan

    return Conflict(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, _("退款金额不能超过可退金额 %(c)s") % {"c": format_yuan(cap_fen)},
                    refundable_fen=cap_fen)


def too_many_photos(limit: int) -> InvalidInput:
    return InvalidInput(ErrorCode.TOO_MANY_PHOTOS, _("最多上传 %(n)s 张图片") % {"n": limit})


def photos_locked() -> Conflict:
    return Conflict(ErrorCode.PHOTOS_LOCKED, _("当前状态不能再补充图片"))


def reject_reason_required() -> InvalidInput:
    return InvalidInput(ErrorCode.REJECT_REASON_REQUIRED, _("请填写拒绝原因（1–200 字）"))


def return_ship_expired() -> Conflict:
    return Conflict(ErrorCode.RETURN_SHIP_EXPIRED, _("已超过退货寄回期限，申请已关闭"))


def review_not_allowed() -> Conflict:
    return Conflict(ErrorCode.REVIEW_NOT_ALLOWED, _("确认收货后才能评价"))


def already_reviewed() -> Conflict:
    return Conflict(ErrorCode.ALREADY_REVIEWED, _("这件商品已经评价过了"))


def invalid_rating() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_RATING, _("评分需为 1–5 的整数"))


def review_not_found() -> NotFound:
    return NotFound(ErrorCode.REVIEW_NOT_FOUND, _("评价不存在"))


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("只有平台运营可以执行此操作"))


def fold_reason_required() -> InvalidInput:
    return InvalidInput(ErrorCode.FOLD_REASON_REQUIRED, _("请填写折叠原因（1–200 字）"))
