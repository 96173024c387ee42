from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from quanzi.core.money import format_yuan


class ErrorCode(StrEnum):
    """Every error code the distribution app raises; quanzi/core/tests/test_error_codes.py keeps this list
    complete."""

    ABOVE_MAXIMUM = "above_maximum"
    ALREADY_PROMOTER = "already_promoter"
    APPLICATION_PENDING = "application_pending"
    BALANCE_INSUFFICIENT = "balance_insufficient"
    BALANCE_NEGATIVE = "balance_negative"
    BELOW_MINIMUM = "below_minimum"
    COMMUNITY_NOT_FOUND = "community_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_FEE = "invalid_fee"
    INVALID_LEVELS = "invalid_levels"
    INVALID_RATE = "invalid_rate"
    INVALID_WITHDRAW_LIMITS = "invalid_withdraw_limits"
    NOT_ALLOWED = "not_allowed"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_OPERATOR = "not_operator"
    NOT_PROMOTER = "not_promoter"
    PAYOUT_UNAVAILABLE = "payout_unavailable"
    PRODUCT_NOT_FOUND = "product_not_found"
    PROMOTER_NOT_FOUND = "promoter_not_found"
    SPEND_BELOW_THRESHOLD = "spend_below_threshold"
    USER_NOT_FOUND = "user_not_found"
    WITHDRAWAL_NOT_FOUND = "withdrawal_not_found"


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("仅平台运营人员可以操作"))


def not_allowed() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_ALLOWED, _("只有平台运营或该社群的群主可以指定推广员"))


def community_not_found() -> NotFound:
    return NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在"))


def product_not_found() -> NotFound:
    return NotFound(ErrorCode.PRODUCT_NOT_FOUND, _("商品不存在"))


def user_not_found() -> NotFound:
    return NotFound(ErrorCode.USER_NOT_FOUND, _("会员不存在"))


def promoter_not_found() -> NotFound:
    return NotFound(ErrorCode.PROMOTER_NOT_FOUND, _("推广员不存在"))


def withdrawal_not_found() -> NotFound:
    return NotFound(ErrorCode.WITHDRAWAL_NOT_FOUND, _("提现申请不存在"))


def already_promoter() -> Conflict:
    return Conflict(ErrorCode.ALREADY_PROMOTER, _("你已经是推广员了"))


def application_pending() -> Conflict:
    return Conflict(ErrorCode.APPLICATION_PENDING, _("你的推广员申请正在审核中"))


def not_promoter() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_PROMOTER, _("你还不是推广员"))


def spend_below_threshold(spent_fen: int, threshold_fen: int) -> PermissionDenied:
    return PermissionDenied(ErrorCode.SPEND_BELOW_THRESHOLD, _("累计消费满 %(t)s 才能成为推广员（目前 %(s)s）") % {
        "t": format_yuan(threshold_fen), "s": format_yuan(spent_fen)})


def invalid_levels(cap: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_LEVELS, _("分销层级须在 0 到 %(n)s 级之间（法定上限，不可提高）") % {"n": cap})


def invalid_rate(max_rate: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_RATE, _("佣金比例须在 0 到 %(r)s 之间") % {"r": max_rate})


def invalid_withdraw_limits() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_WITHDRAW_LIMITS, _("提现下限须至少 ¥0.01、高于手续费，且不高于上限"))


def invalid_fee() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_FEE, _("手续费比例须在 0 到 0.2 之间"))


def invalid_amount() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_AMOUNT, _("请输入正确的提现金额"))


def below_minimum(minimum_fen: int) -> InvalidInput:
    return InvalidInput(ErrorCode.BELOW_MINIMUM, _("单笔提现至少 %(m)s") % {"m": format_yuan(minimum_fen)})


def above_maximum(maximum_fen: int) -> InvalidInput:
    return InvalidInput(ErrorCode.ABOVE_MAXIMUM, _("单笔提现最多 %(m)s") % {"m": format_yuan(maximum_fen)})


def balance_insufficient(available_fen: int, needed_fen: int) -> Conflict:
    return Conflict(ErrorCode.BALANCE_INSUFFICIENT, _("可提现佣金不足：申请 %(need)s，可提现 %(have)s") % {
        "need": format_yuan(needed_fen), "have": format_yuan(available_fen)})


def balance_negative(available_fen: int) -> Conflict:
    return Conflict(ErrorCode.BALANCE_NEGATIVE, _("退款冲回后可提现佣金为 %(have)s，回正后才能提现") % {
        "have": format_yuan(available_fen)})


def payout_unavailable() -> Conflict:
    return Conflict(ErrorCode.PAYOUT_UNAVAILABLE, _("暂未开通佣金打款渠道"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("不能从「%(a)s」变为「%(b)s」") % {"a": current, "b": target})
