from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from quanzi.core.money import format_yuan


class ErrorCode(StrEnum):
    """Every error code the red-packet and balance app raises; quanzi/core/tests/test_error_codes.py keeps this
    list complete."""

    ALREADY_CLAIMED = "already_claimed"
    BALANCE_INSUFFICIENT = "balance_insufficient"
    COMMUNITY_NOT_FOUND = "community_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_GREETING = "invalid_greeting"
    INVALID_SHARES = "invalid_shares"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_COMMUNITY_MEMBER = "not_community_member"
    NOT_OPERATOR = "not_operator"
    PACKET_EXPIRED = "packet_expired"
    PACKET_FINISHED = "packet_finished"
    PACKET_NOT_FOUND = "packet_not_found"
    PACKET_NOT_PAID = "packet_not_paid"
    POST_NOT_ALLOWED = "post_not_allowed"
    SHARES_EXCEED_AMOUNT = "shares_exceed_amount"


def packet_not_found() -> NotFound:
    return NotFound(ErrorCode.PACKET_NOT_FOUND, _("红包不存在"))


def community_not_found() -> NotFound:
    return NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在"))


def invalid_amount(max_fen: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_AMOUNT,
                        _("红包金额须在 ¥0.01 到 %(max)s 之间") % {"max": format_yuan(max_fen)})


def invalid_shares(max_shares: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_SHARES, _("红包个数须在 1 到 %(n)s 之间") % {"n": max_shares})


def shares_exceed_amount() -> InvalidInput:
    return InvalidInput(ErrorCode.SHARES_EXCEED_AMOUNT, _("每个红包至少 ¥0.01：个数不能多于金额的分数"))


def invalid_greeting(max_len: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_GREETING, _("祝福语最多 %(n)s 个字") % {"n": max_len})


def post_not_allowed(name: str) -> PermissionDenied:
    return PermissionDenied(ErrorCode.POST_NOT_ALLOWED, _("你不能在「%(name)s」发红包") % {"name": name})


def not_community_member(name: str) -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_COMMUNITY_MEMBER, _("加入「%(name)s」后才能领取") % {"name": name})


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("仅平台运营人员可以操作"))


def balance_insufficient(balance_fen: int, needed_fen: int) -> Conflict:
    return Conflict(ErrorCode.BALANCE_INSUFFICIENT, _("余额不足：需要 %(need)s，可用 %(have)s") % {
        "need": format_yuan(needed_fen), "have": format_yuan(balance_fen)})


def already_claimed() -> Conflict:
    return Conflict(ErrorCode.ALREADY_CLAIMED, _("你已经领过这个红包了"))


def packet_not_paid() -> Conflict:
    return Conflict(ErrorCode.PACKET_NOT_PAID, _("红包还没有付款发出，暂时不能领取"))


def packet_finished() -> Conflict:
    return Conflict(ErrorCode.PACKET_FINISHED, _("手慢了，红包已被领完"))


def packet_expired() -> Conflict:
    return Conflict(ErrorCode.PACKET_EXPIRED, _("红包已过期"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("红包不能从「%(a)s」变为「%(b)s」") % {"a": current, "b": target})
