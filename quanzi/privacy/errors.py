from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, TooManyRequests


class ErrorCode(StrEnum):
    """Every error code the privacy app raises (consents, export, account deletion, phone codes); the API
    description lists them (quanzi/api_errors.py)."""

    CODE_EXPIRED = "code_expired"
    CODE_INVALID = "code_invalid"
    CODE_RATE_LIMITED = "code_rate_limited"
    DELETION_ALREADY_PENDING = "deletion_already_pending"
    DELETION_BALANCE_UNSETTLED = "deletion_balance_unsettled"
    DELETION_COMMISSION_UNSETTLED = "deletion_commission_unsettled"
    DELETION_NOT_PENDING = "deletion_not_pending"
    DELETION_OPEN_AFTERSALES = "deletion_open_aftersales"
    DELETION_UNFINISHED_ORDERS = "deletion_unfinished_orders"
    EXPORT_NOT_FOUND = "export_not_found"
    NO_PHONE = "no_phone"
    SENSITIVE_CONSENT_REQUIRED = "sensitive_consent_required"
    UNKNOWN_PURPOSE = "unknown_purpose"
    WRONG_PASSWORD = "wrong_password"


def unknown_purpose() -> InvalidInput:
    return InvalidInput(ErrorCode.UNKNOWN_PURPOSE, _("未知的授权用途"))


def sensitive_consent_required(purpose_label: str) -> InvalidInput:
    return InvalidInput(ErrorCode.SENSITIVE_CONSENT_REQUIRED,
                        _("保存该信息需要先单独同意：%(purpose)s") % {"purpose": purpose_label})


def unfinished_orders(count: int) -> Conflict:
    return Conflict(ErrorCode.DELETION_UNFINISHED_ORDERS,
                    _("您还有 %(count)d 个未完成的订单，完成或取消后才能注销") % {"count": count})


def open_aftersales(count: int) -> Conflict:
    return Conflict(ErrorCode.DELETION_OPEN_AFTERSALES,
                    _("您还有 %(count)d 个处理中的售后，结束后才能注销") % {"count": count})


def balance_unsettled() -> Conflict:
    return Conflict(ErrorCode.DELETION_BALANCE_UNSETTLED, _("您的账户还有余额，用完或提现后才能注销"))


def commission_unsettled() -> Conflict:
    return Conflict(ErrorCode.DELETION_COMMISSION_UNSETTLED, _("您还有未结清的推广佣金或提现，结清后才能注销"))


def deletion_already_pending() -> Conflict:
    return Conflict(ErrorCode.DELETION_ALREADY_PENDING, _("注销申请已提交，正在冷静期中"))


def deletion_not_pending() -> NotFound:
    return NotFound(ErrorCode.DELETION_NOT_PENDING, _("没有进行中的注销申请"))


def export_not_found() -> NotFound:
    return NotFound(ErrorCode.EXPORT_NOT_FOUND, _("导出文件不存在或已过期"))


def no_phone() -> InvalidInput:
    return InvalidInput(ErrorCode.NO_PHONE, _("账号未绑定手机号"))


def code_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.CODE_INVALID, _("验证码不正确"))


def code_expired() -> InvalidInput:
    return InvalidInput(ErrorCode.CODE_EXPIRED, _("验证码已过期或已用完，请重新获取"))


def code_rate_limited(seconds: int) -> TooManyRequests:
    return TooManyRequests(ErrorCode.CODE_RATE_LIMITED, _("验证码发送过于频繁，请稍后再试"), retry_after=seconds)


def wrong_password() -> InvalidInput:
    return InvalidInput(ErrorCode.WRONG_PASSWORD, _("密码不正确"))
