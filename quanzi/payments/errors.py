"""Payment error codes. Callback rejections carry a code the gateway log and the tests can read."""

from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import Conflict, DomainError, InvalidInput, NotFound


class CallbackRejected(DomainError):
    """A gateway notification that failed verification (signature, amount, order). Nothing was changed."""

    status = 400
    code = "callback_rejected"


def gateway_unavailable(name: str) -> NotFound:
    return NotFound("gateway_unavailable", _("支付方式不可用：%(name)s") % {"name": name})


def payment_not_found() -> NotFound:
    return NotFound("payment_not_found", _("支付单不存在"))


def order_not_found() -> NotFound:
    return NotFound("order_not_found", _("订单不存在"))


def order_not_payable() -> Conflict:
    return Conflict("order_not_payable", _("订单当前状态不能付款"))


def order_amount_invalid() -> InvalidInput:
    return InvalidInput("order_amount_invalid", _("订单应付金额无效"))


def payment_not_payable() -> Conflict:
    return Conflict("payment_not_payable", _("该支付单已支付或已关闭"))


def refund_amount_invalid() -> InvalidInput:
    return InvalidInput("refund_amount_invalid", _("退款金额必须大于 0"))


def refund_no_invalid() -> InvalidInput:
    return InvalidInput("refund_no_invalid", _("退款单号需 1–64 个字母、数字、- 或 _"))


def refund_exceeds_paid() -> Conflict:
    return Conflict("refund_exceeds_paid", _("退款总额不能超过实付金额"))


def refund_not_refundable() -> Conflict:
    return Conflict("payment_not_refundable", _("该订单没有可退款的支付"))


def refund_not_found() -> NotFound:
    return NotFound("refund_not_found", _("退款单不存在"))


def refund_no_conflict() -> Conflict:
    return Conflict("refund_no_conflict", _("该退款单号已用于另一笔不同的退款"))


def refund_not_retryable() -> Conflict:
    return Conflict("refund_not_retryable", _("只有失败的退款可以重试"))


def rejected(code: str, message: str) -> CallbackRejected:
    return CallbackRejected(code, message)
