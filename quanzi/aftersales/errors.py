"""After-sales and review error codes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def request_not_found() -> NotFound:
    return NotFound("aftersale_not_found", _("售后申请不存在"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict("aftersale_illegal_transition",
                    _("售后申请当前状态为「%(c)s」，不能变为「%(t)s」") % {"c": current, "t": target})


def order_not_eligible() -> Conflict:
    return Conflict("order_not_eligible", _("该订单当前状态不能申请售后"))


def return_before_shipment() -> Conflict:
    return Conflict("return_before_shipment", _("订单尚未发货，请选择仅退款"))


def reason_needs_return() -> Conflict:
    return Conflict("reason_needs_return", _("已发货的商品以该原因申请，需退货退款"))


def return_window_closed(days: int) -> Conflict:
    return Conflict("return_window_closed", _("已超过签收后 %(d)s 天的无理由退货期限") % {"d": days})


def product_exempt(title: str, exemption: str) -> Conflict:
    return Conflict("return_exempt_product", _("「%(t)s」属于%(e)s，不支持七天无理由退货") % {"t": title, "e": exemption})


def line_busy(title: str) -> Conflict:
    return Conflict("line_has_open_request", _("「%(t)s」已有进行中的售后申请") % {"t": title})


def no_lines() -> InvalidInput:
    return InvalidInput("no_lines", _("请选择要售后的商品"))


def line_not_in_order() -> InvalidInput:
    return InvalidInput("line_not_in_order", _("所选商品不属于该订单"))


def quantity_exceeds(title: str, left: int) -> InvalidInput:
    return InvalidInput("quantity_exceeds", _("「%(t)s」最多可申请 %(n)s 件") % {"t": title, "n": left})


def amount_invalid() -> InvalidInput:
    return InvalidInput("invalid_amount", _("退款金额需为正整数（分）"))


def amount_exceeds(cap_fen: int) -> Conflict:
    from quanzi.core.money import format_yuan

    return Conflict("amount_exceeds_refundable", _("退款金额不能超过可退金额 %(c)s") % {"c": format_yuan(cap_fen)},
                    refundable_fen=cap_fen)


def too_many_photos(limit: int) -> InvalidInput:
    return InvalidInput("too_many_photos", _("最多上传 %(n)s 张图片") % {"n": limit})


def photos_locked() -> Conflict:
    return Conflict("photos_locked", _("当前状态不能再补充图片"))


def reject_reason_required() -> InvalidInput:
    return InvalidInput("reject_reason_required", _("请填写拒绝原因（1–200 字）"))


def return_ship_expired() -> Conflict:
    return Conflict("return_ship_expired", _("已超过退货寄回期限，申请已关闭"))


def review_not_allowed() -> Conflict:
    return Conflict("review_not_allowed", _("确认收货后才能评价"))


def already_reviewed() -> Conflict:
    return Conflict("already_reviewed", _("这件商品已经评价过了"))


def invalid_rating() -> InvalidInput:
    return InvalidInput("invalid_rating", _("评分需为 1–5 的整数"))


def review_not_found() -> NotFound:
    return NotFound("review_not_found", _("评价不存在"))


def not_operator() -> PermissionDenied:
    return PermissionDenied("not_operator", _("只有平台运营可以执行此操作"))


def fold_reason_required() -> InvalidInput:
    return InvalidInput("fold_reason_required", _("请填写折叠原因（1–200 字）"))
