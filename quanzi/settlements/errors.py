from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the settlements app raises (settlement statements); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    INVALID_PERIOD = "invalid_period"
    MERCHANT_NOT_FOUND = "merchant_not_found"
    NO_SETTLEMENT_ACCESS = "no_settlement_access"
    NOT_OPERATOR = "not_operator"
    PERIOD_NOT_OVER = "period_not_over"
    STATEMENT_CONFIRMED = "statement_confirmed"
    STATEMENT_NOT_FOUND = "statement_not_found"


def statement_not_found() -> NotFound:
    return NotFound(ErrorCode.STATEMENT_NOT_FOUND, _("结算单不存在"))


def merchant_not_found() -> NotFound:
    return NotFound(ErrorCode.MERCHANT_NOT_FOUND, _("商家不存在"))


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("仅平台运营人员可以操作"))


def no_settlement_access() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NO_SETTLEMENT_ACCESS, _("只有商家本人和平台运营人员可以查看结算单"))


def invalid_period() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PERIOD, _("结算周期无效：开始日期须早于结束日期，且不超过 366 天"))


def statement_confirmed() -> Conflict:
    return Conflict(ErrorCode.STATEMENT_CONFIRMED, _("结算单已确认，不能重新生成"))


def period_not_over() -> Conflict:
    return Conflict(ErrorCode.PERIOD_NOT_OVER, _("结算周期尚未结束，暂不能确认"))
