from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the levels and paid-membership app raises; quanzi/core/tests/test_error_codes.py keeps
    this list complete."""

    INVALID_GROWTH = "invalid_growth"
    INVALID_KEY = "invalid_key"
    LEVEL_NOT_FOUND = "level_not_found"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_OPERATOR = "not_operator"
    PERIOD_NOT_FOUND = "period_not_found"
    PLAN_NOT_FOUND = "plan_not_found"
    PLAN_NOT_FOR_SALE = "plan_not_for_sale"
    REFUND_NOT_ALLOWED = "refund_not_allowed"
    TRIAL_USED = "trial_used"
    USER_NOT_FOUND = "user_not_found"


def invalid_growth(max_amount: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_GROWTH, _("成长值须为 1 到 %(n)s 的整数") % {"n": max_amount})


def invalid_key() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_KEY, _("业务键须为 1 到 100 个字符"))


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("仅平台运营人员可以操作"))


def user_not_found() -> NotFound:
    return NotFound(ErrorCode.USER_NOT_FOUND, _("会员不存在"))


def level_not_found() -> NotFound:
    return NotFound(ErrorCode.LEVEL_NOT_FOUND, _("会员等级不存在"))


def plan_not_found() -> NotFound:
    return NotFound(ErrorCode.PLAN_NOT_FOUND, _("会员方案不存在"))


def plan_not_for_sale(name: str) -> Conflict:
    return Conflict(ErrorCode.PLAN_NOT_FOR_SALE, _("「%(name)s」暂不开放购买") % {"name": name})


def trial_used() -> Conflict:
    return Conflict(ErrorCode.TRIAL_USED, _("免费试用每位会员仅限一次，且仅限从未开通过会员的用户"))


def period_not_found() -> NotFound:
    return NotFound(ErrorCode.PERIOD_NOT_FOUND, _("会员期不存在"))


def refund_not_allowed(why: str) -> Conflict:
    return Conflict(ErrorCode.REFUND_NOT_ALLOWED, why)
