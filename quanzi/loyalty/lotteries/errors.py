from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from quanzi.core.money import format_yuan


class ErrorCode(StrEnum):
    """Every error code the lottery app raises; quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ALREADY_DRAWN = "already_drawn"
    ALREADY_ENTERED = "already_entered"
    COMMUNITY_NOT_FOUND = "community_not_found"
    COMMUNITY_REQUIRED = "community_required"
    DRAW_TOO_EARLY = "draw_too_early"
    ENTRIES_CLOSED = "entries_closed"
    ENTRIES_NOT_OPEN = "entries_not_open"
    ENTRY_BY_PURCHASE_ONLY = "entry_by_purchase_only"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_PRIZES = "invalid_prizes"
    INVALID_TIMES = "invalid_times"
    INVALID_TITLE = "invalid_title"
    LOTTERY_CANCELLED = "lottery_cancelled"
    LOTTERY_NOT_FOUND = "lottery_not_found"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_ELIGIBLE = "not_eligible"
    NOT_ORGANISER = "not_organiser"
    PRIZE_ABOVE_CAP = "prize_above_cap"
    PRODUCT_NOT_ELIGIBLE = "product_not_eligible"
    STREAK_TOO_SHORT = "streak_too_short"
    WINNER_NOT_FOUND = "winner_not_found"


def lottery_not_found() -> NotFound:
    return NotFound(ErrorCode.LOTTERY_NOT_FOUND, _("抽奖不存在"))


def community_not_found() -> NotFound:
    return NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在"))


def winner_not_found() -> NotFound:
    return NotFound(ErrorCode.WINNER_NOT_FOUND, _("中奖记录不存在"))


def community_required() -> InvalidInput:
    return InvalidInput(ErrorCode.COMMUNITY_REQUIRED, _("按社群成员或连续打卡抽奖须属于一个社群"))


def not_organiser() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_ORGANISER, _("只有社群群主、管理员或平台运营可以发起和管理抽奖"))


def invalid_title(max_len: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TITLE, _("标题须为 1 到 %(n)s 个字") % {"n": max_len})


def invalid_times(reason: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TIMES, reason)


def invalid_prizes(reason: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PRIZES, reason)


def prize_above_cap(name: str, value_fen: int, cap_fen: int) -> InvalidInput:
    return InvalidInput(ErrorCode.PRIZE_ABOVE_CAP, _(
        "奖品「%(name)s」价值 %(value)s，超过法定上限 %(cap)s（《反不正当竞争法》第十条：抽奖式有奖销售最高奖"
        "金额不得超过五万元）") % {"name": name, "value": format_yuan(value_fen), "cap": format_yuan(cap_fen)})


def product_not_eligible() -> InvalidInput:
    return InvalidInput(ErrorCode.PRODUCT_NOT_ELIGIBLE, _(
        "指定商品须是寄送的实物商品：虚拟商品只为号码而买，等于出售抽奖券，这是法律禁止的"))


def entries_not_open() -> Conflict:
    return Conflict(ErrorCode.ENTRIES_NOT_OPEN, _("抽奖还没开始报名"))


def entries_closed() -> Conflict:
    return Conflict(ErrorCode.ENTRIES_CLOSED, _("报名已截止"))


def lottery_cancelled() -> Conflict:
    return Conflict(ErrorCode.LOTTERY_CANCELLED, _("抽奖已取消"))


def already_entered() -> Conflict:
    return Conflict(ErrorCode.ALREADY_ENTERED, _("你已经参加过这个抽奖了"))


def entry_by_purchase_only(title: str) -> Conflict:
    return Conflict(ErrorCode.ENTRY_BY_PURCHASE_ONLY,
                    _("这个抽奖的号码随「%(t)s」的付款订单发放，不能单独报名") % {"t": title})


def not_eligible(name: str) -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_ELIGIBLE, _("加入「%(name)s」后才能参加抽奖") % {"name": name})


def streak_too_short(have: int, need: int) -> PermissionDenied:
    return PermissionDenied(ErrorCode.STREAK_TOO_SHORT,
                            _("连续打卡 %(need)s 天才能参加，你现在连续 %(have)s 天") % {"need": need, "have": have})


def draw_too_early() -> Conflict:
    return Conflict(ErrorCode.DRAW_TOO_EARLY, _("报名截止后才能开奖"))


def already_drawn() -> Conflict:
    return Conflict(ErrorCode.ALREADY_DRAWN, _("这个抽奖已经开过奖了"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("抽奖不能从「%(a)s」变为「%(b)s」") % {"a": current, "b": target})
