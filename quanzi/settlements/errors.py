from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def statement_not_found() -> NotFound:
    return NotFound("statement_not_found", _("结算单不存在"))


def merchant_not_found() -> NotFound:
    return NotFound("merchant_not_found", _("商家不存在"))


def not_operator() -> PermissionDenied:
    return PermissionDenied("not_operator", _("仅平台运营人员可以操作"))


def no_settlement_access() -> PermissionDenied:
    return PermissionDenied("no_settlement_access", _("只有商家本人和平台运营人员可以查看结算单"))


def invalid_period() -> InvalidInput:
    return InvalidInput("invalid_period", _("结算周期无效：开始日期须早于结束日期，且不超过 366 天"))


def statement_confirmed() -> Conflict:
    return Conflict("statement_confirmed", _("结算单已确认，不能重新生成"))


def period_not_over() -> Conflict:
    return Conflict("period_not_over", _("结算周期尚未结束，暂不能确认"))
