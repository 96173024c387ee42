from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the points app raises; quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ADDRESS_REQUIRED = "address_required"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_GRANT = "invalid_grant"
    INVALID_ITEM = "invalid_item"
    INVALID_POINTS = "invalid_points"
    INVALID_TRACKING = "invalid_tracking"
    ITEM_LIMIT_REACHED = "item_limit_reached"
    ITEM_NOT_FOUND = "item_not_found"
    ITEM_SOLD_OUT = "item_sold_out"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_OPERATOR = "not_operator"
    POINTS_INSUFFICIENT = "points_insufficient"
    POINTS_OVER_CAP = "points_over_cap"
    REDEMPTION_NOT_FOUND = "redemption_not_found"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("仅平台运营人员可以操作"))


def invalid_points() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_POINTS, _("积分数须为正整数"))


def invalid_grant(max_points: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_GRANT, _("发放的积分须在 1 到 %(n)s 之间") % {"n": max_points})


def points_insufficient(held: int, needed: int) -> Conflict:
    return Conflict(ErrorCode.POINTS_INSUFFICIENT, _("积分不足：需要 %(need)s，现有 %(have)s") % {
        "need": needed, "have": held})


def points_over_cap(cap: int, percent: int) -> InvalidInput:
    return InvalidInput(ErrorCode.POINTS_OVER_CAP, _("积分最多抵扣商品金额的 %(p)s%%，本单最多可用 %(n)s 积分") % {
        "p": percent, "n": cap})


def item_not_found() -> NotFound:
    return NotFound(ErrorCode.ITEM_NOT_FOUND, _("兑换商品不存在或已下架"))


def invalid_item(why: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_ITEM, why)


def item_sold_out() -> Conflict:
    return Conflict(ErrorCode.ITEM_SOLD_OUT, _("手慢了，已兑完"))


def item_limit_reached(limit: int) -> Conflict:
    return Conflict(ErrorCode.ITEM_LIMIT_REACHED, _("每人限兑 %(n)s 次，你已兑满") % {"n": limit})


def address_required() -> InvalidInput:
    return InvalidInput(ErrorCode.ADDRESS_REQUIRED, _("实物兑换请选择收货地址"))


def redemption_not_found() -> NotFound:
    return NotFound(ErrorCode.REDEMPTION_NOT_FOUND, _("兑换记录不存在"))


def invalid_tracking() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TRACKING, _("请填写快递公司和运单号"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("兑换记录不能从「%(a)s」变为「%(b)s」") % {"a": current, "b": target})
