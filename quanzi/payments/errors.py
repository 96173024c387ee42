"""Payment error codes. Callback rejections carry a code the gateway log and the tests can read."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import Conflict, DomainError, InvalidInput, NotFound


class ErrorCode(StrEnum):
    """Every error code the payments app raises (payments, gateway callbacks, refunds); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    AMOUNT_MISMATCH = "amount_mismatch"
    BAD_AMOUNT = "bad_amount"
    BAD_BODY = "bad_body"
    BAD_SIGNATURE = "bad_signature"
    CALLBACK_REJECTED = "callback_rejected"
    CHECKOUT_NOT_FOUND = "checkout_not_found"
    CHECKOUT_NOTHING_TO_PAY = "checkout_nothing_to_pay"
    DECRYPT_FAILED = "decrypt_failed"
    GATEWAY_ERROR = "gateway_error"
    GATEWAY_MISCONFIGURED = "gateway_misconfigured"
    GATEWAY_UNAVAILABLE = "gateway_unavailable"
    ILLEGAL_TRANSITION = "illegal_transition"
    MERCHANT_MISMATCH = "merchant_mismatch"
    MISSING_SIGNATURE = "missing_signature"
    NOT_AUTHENTICATED = "not_authenticated"
    ORDER_AMOUNT_INVALID = "order_amount_invalid"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_NOT_PAYABLE = "order_not_payable"
    ORDERS_NOT_IN_CHECKOUT = "orders_not_in_checkout"
    OPENID_REQUIRED = "openid_required"
    PAYMENT_KIND_UNAVAILABLE = "payment_kind_unavailable"
    PAYMENT_NOT_FOUND = "payment_not_found"
    PAYMENT_NOT_PAYABLE = "payment_not_payable"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    PAYMENT_STATE_CHANGED = "payment_state_changed"
    REFUND_AMOUNT_INVALID = "refund_amount_invalid"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    REFUND_LINES_INVALID = "refund_lines_invalid"
    REFUND_NO_CONFLICT = "refund_no_conflict"
    REFUND_NO_INVALID = "refund_no_invalid"
    REFUND_NOT_FOUND = "refund_not_found"
    REFUND_NOT_RETRYABLE = "refund_not_retryable"
    SANDBOX_NOT_CONFIGURED = "sandbox_not_configured"
    STALE_NOTIFICATION = "stale_notification"
    TXN_MISMATCH = "txn_mismatch"
    UNKNOWN_PAYMENT = "unknown_payment"
    UNKNOWN_PLATFORM_KEY = "unknown_platform_key"
    UNKNOWN_REFUND = "unknown_refund"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    UNSUPPORTED_SIGNATURE_TYPE = "unsupported_signature_type"
    WRONG_CALLBACK = "wrong_callback"


class CallbackRejected(DomainError):
    """A gateway notification that failed verification (signature, amount, order). Nothing was changed."""

    status = 400
    code = "callback_rejected"


def gateway_unavailable(name: str) -> NotFound:
    return NotFound(ErrorCode.GATEWAY_UNAVAILABLE, _("支付方式不可用：%(name)s") % {"name": name})


def payment_not_found() -> NotFound:
    return NotFound(ErrorCode.PAYMENT_NOT_FOUND, _("支付单不存在"))


def order_not_found() -> NotFound:
    return NotFound(ErrorCode.ORDER_NOT_FOUND, _("订单不存在"))


def order_not_payable() -> Conflict:
    return Conflict(ErrorCode.ORDER_NOT_PAYABLE, _("订单当前状态不能付款"))


def order_amount_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.ORDER_AMOUNT_INVALID, _("订单应付金额无效"))


def payment_not_payable() -> Conflict:
    return Conflict(ErrorCode.PAYMENT_NOT_PAYABLE, _("该支付单已支付或已关闭"))


def refund_amount_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.REFUND_AMOUNT_INVALID, _("退款金额必须大于 0"))


def refund_no_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.REFUND_NO_INVALID, _("退款单号需 1–64 个字母、数字、- 或 _"))


def refund_exceeds_paid() -> Conflict:
    return Conflict(ErrorCode.REFUND_EXCEEDS_PAID, _("退款总额不能超过实付金额"))


def refund_not_refundable() -> Conflict:
    return Conflict(ErrorCode.PAYMENT_NOT_REFUNDABLE, _("该订单没有可退款的支付"))


def refund_not_found() -> NotFound:
    return NotFound(ErrorCode.REFUND_NOT_FOUND, _("退款单不存在"))


def refund_no_conflict() -> Conflict:
    return Conflict(ErrorCode.REFUND_NO_CONFLICT, _("该退款单号已用于另一笔不同的退款"))


def refund_not_retryable() -> Conflict:
    return Conflict(ErrorCode.REFUND_NOT_RETRYABLE, _("只有失败的退款可以重试"))


def rejected(code: ErrorCode, message: str) -> CallbackRejected:
    return CallbackRejected(code, message)


def illegal_transition(kind: str, current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("%(k)s当前状态为「%(c)s」，不能变为「%(t)s」")
                    % {"k": kind, "c": current, "t": target})


def refund_lines_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.REFUND_LINES_INVALID, _("退款分摊到商品的金额须为非负整数（分），且合计等于退款金额"))


def payment_kind_unavailable() -> InvalidInput:
    return InvalidInput(ErrorCode.PAYMENT_KIND_UNAVAILABLE, _("该支付方式不支持这种支付场景"))


def openid_required() -> InvalidInput:
    return InvalidInput(ErrorCode.OPENID_REQUIRED, _("请先用微信登录，再使用微信内支付"))


def checkout_not_found() -> NotFound:
    return NotFound(ErrorCode.CHECKOUT_NOT_FOUND, _("结算单不存在"))


def checkout_nothing_to_pay() -> Conflict:
    return Conflict(ErrorCode.CHECKOUT_NOTHING_TO_PAY, _("该结算单没有待支付的订单"))


def orders_not_in_checkout() -> InvalidInput:
    return InvalidInput(ErrorCode.ORDERS_NOT_IN_CHECKOUT, _("合并支付的订单须来自同一次结算"))
