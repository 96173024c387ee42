from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def empty_cart() -> InvalidInput:
    return InvalidInput("empty_cart", _("购物车是空的"))


def invalid_quantity() -> InvalidInput:
    return InvalidInput("invalid_quantity", _("购买数量需为 1–999 的整数"))


def address_missing() -> InvalidInput:
    return InvalidInput("address_missing", _("请选择收货地址"))


def product_off_shelf(title: str = "") -> Conflict:
    return Conflict("product_off_shelf", _("商品已下架：%(t)s") % {"t": title})


def out_of_stock(title: str, sku_id: int) -> Conflict:
    return Conflict("out_of_stock", _("库存不足：%(t)s") % {"t": title}, sku_id=sku_id)


def price_changed(expected: int, actual: int) -> Conflict:
    return Conflict("price_changed", _("价格已变化，请确认新的应付金额"), expected_total_fen=expected,
                    total_fen=actual)


def idempotency_key_missing() -> InvalidInput:
    return InvalidInput("idempotency_key_missing", _("缺少幂等键"))


def order_not_found() -> NotFound:
    return NotFound("order_not_found", _("订单不存在"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict("illegal_transition", _("订单当前状态为「%(c)s」，不能变为「%(t)s」") % {"c": current, "t": target})


def amount_mismatch(expected: int, got: int) -> Conflict:
    return Conflict("amount_mismatch", _("支付金额与订单应付金额不一致"), payable_fen=expected, amount_fen=got)


def refund_exceeds_paid() -> Conflict:
    return Conflict("refund_exceeds_paid", _("退款总额不能超过实付金额"))


def not_your_order() -> PermissionDenied:
    return PermissionDenied("not_your_order", _("无权操作该订单"))


def address_not_found() -> NotFound:
    return NotFound("address_not_found", _("地址不存在"))


def shipping_template_not_found() -> NotFound:
    return NotFound("shipping_template_not_found", _("还没有设置运费模板（默认包邮）"))


def refund_pending() -> Conflict:
    return Conflict("order_refund_pending", _("买家有待处理的退款申请，请先处理售后申请再发货"))


def already_shipped() -> Conflict:
    return Conflict("order_already_shipped", _("订单已发货，不能在发货前取消商品"))


def line_not_in_order() -> InvalidInput:
    return InvalidInput("line_not_in_order", _("该商品不属于这个订单"))


def cancel_exceeds_quantity(title: str) -> Conflict:
    return Conflict("cancel_exceeds_quantity", _("取消数量超过了未发货的数量：%(t)s") % {"t": title})


def line_refund_exceeds_payable(title: str) -> Conflict:
    return Conflict("line_refund_exceeds_payable", _("商品的退款总额不能超过其实付金额：%(t)s") % {"t": title})


def refund_lines_mismatch() -> InvalidInput:
    return InvalidInput("refund_lines_mismatch", _("各商品的退款分摊之和必须等于退款金额"))
