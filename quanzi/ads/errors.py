from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from quanzi.core.money import format_yuan


class ErrorCode(StrEnum):
    """Every error code the advertising app raises; quanzi/core/tests/test_error_codes.py keeps this list
    complete."""

    AD_OUTSIDE_SCHEDULE = "ad_outside_schedule"
    AD_OVER_BUDGET = "ad_over_budget"
    AD_BALANCE_INSUFFICIENT = "ad_balance_insufficient"
    CAMPAIGN_NOT_ACTIVE = "campaign_not_active"
    CAMPAIGN_NOT_EDITABLE = "campaign_not_editable"
    CAMPAIGN_NOT_FOUND = "campaign_not_found"
    CAMPAIGN_NOT_YOURS = "campaign_not_yours"
    CREATIVE_NOT_REVIEWED = "creative_not_reviewed"
    FREQUENCY_CAPPED = "frequency_capped"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_BUDGET = "invalid_budget"
    INVALID_CREATIVE = "invalid_creative"
    INVALID_PLACEMENT = "invalid_placement"
    INVALID_PRICE = "invalid_price"
    INVALID_SCHEDULE = "invalid_schedule"
    INVALID_TARGET = "invalid_target"
    INVALID_TARGETING = "invalid_targeting"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_MERCHANT = "not_merchant"
    NOT_OPERATOR = "not_operator"
    NOTHING_TO_REFUND = "nothing_to_refund"
    TOPUP_NOT_FOUND = "topup_not_found"
    UNKNOWN_AD = "unknown_ad"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def not_merchant() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MERCHANT, _("只有审核通过的商家可以投放广告"))


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("只有平台运营人员可以操作"))


def campaign_not_found() -> NotFound:
    return NotFound(ErrorCode.CAMPAIGN_NOT_FOUND, _("广告计划不存在"))


def campaign_not_yours() -> PermissionDenied:
    return PermissionDenied(ErrorCode.CAMPAIGN_NOT_YOURS, _("这是其他商家的广告计划"))


def campaign_not_editable(status: str) -> Conflict:
    return Conflict(ErrorCode.CAMPAIGN_NOT_EDITABLE,
                    _("%(status)s的广告计划不能修改，只有草稿或未通过的计划可以修改") % {"status": status})


def illegal_transition(current: str, to: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION,
                    _("广告计划不能从「%(current)s」变为「%(to)s」") % {"current": current, "to": to})


def invalid_amount(low: int, high: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_AMOUNT, _("充值金额须在 %(low)s 到 %(high)s 之间") % {
        "low": format_yuan(low), "high": format_yuan(high)})


def invalid_budget(low: int, high: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_BUDGET, _("预算须在 %(low)s 到 %(high)s 之间") % {
        "low": format_yuan(low), "high": format_yuan(high)})


def invalid_price() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PRICE, _("出价须为正数，且不超过预算"))


def invalid_placement() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PLACEMENT, _("请选择广告位和计费方式"))


def invalid_schedule() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_SCHEDULE, _("投放时间无效：结束须晚于开始，且不早于现在，最长 90 天"))


def invalid_creative(message: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_CREATIVE, message)


def invalid_target() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TARGET,
                        _("推广目标须为你自己在售的商品，或站内路径（以 / 开头，如 /c/run/）"))


def invalid_targeting() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TARGETING, _("定向的社群或人群不存在，且一次只能选一种定向"))


def balance_insufficient(balance_fen: int, budget_fen: int) -> Conflict:
    return Conflict(ErrorCode.AD_BALANCE_INSUFFICIENT, _("广告余额 %(balance)s 不足以预留预算 %(budget)s，请先充值") % {
        "balance": format_yuan(balance_fen), "budget": format_yuan(budget_fen)})


def over_budget() -> Conflict:
    return Conflict(ErrorCode.AD_OVER_BUDGET, _("广告预算已用完"))


def outside_schedule() -> Conflict:
    return Conflict(ErrorCode.AD_OUTSIDE_SCHEDULE, _("不在广告的投放时间内"))


def not_reviewed() -> Conflict:
    return Conflict(ErrorCode.CREATIVE_NOT_REVIEWED, _("广告创意尚未通过审核，不能展示"))


def not_active(status: str) -> Conflict:
    return Conflict(ErrorCode.CAMPAIGN_NOT_ACTIVE, _("广告计划%(status)s，不能展示") % {"status": status})


def frequency_capped() -> Conflict:
    return Conflict(ErrorCode.FREQUENCY_CAPPED, _("今天已向你展示过足够多次这条广告"))


def unknown_ad() -> NotFound:
    return NotFound(ErrorCode.UNKNOWN_AD, _("广告不存在或已失效"))


def topup_not_found() -> NotFound:
    return NotFound(ErrorCode.TOPUP_NOT_FOUND, _("充值记录不存在"))


def nothing_to_refund() -> Conflict:
    return Conflict(ErrorCode.NOTHING_TO_REFUND,
                    _("这笔充值没有可退的金额：已全部退回，或余额已用于投放（进行中的计划预留的预算结束后才退回余额）"))
