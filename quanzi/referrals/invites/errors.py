from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound


class ErrorCode(StrEnum):
    """Every error code the invites app raises; the API description lists them (quanzi/api_errors.py) and
    quanzi/core/tests/test_error_codes.py keeps this list complete."""

    INVITE_ALREADY_BOUND = "invite_already_bound"
    INVITE_CYCLE = "invite_cycle"
    INVITE_CODE_UNKNOWN = "invite_code_unknown"
    INVITE_SELF = "invite_self"
    INVITE_TARGET_NOT_FOUND = "invite_target_not_found"
    INVITER_INACTIVE = "inviter_inactive"
    NOT_AUTHENTICATED = "not_authenticated"
    INVITE_REWARD_KIND_UNKNOWN = "invite_reward_kind_unknown"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def code_unknown() -> NotFound:
    return NotFound(ErrorCode.INVITE_CODE_UNKNOWN, _("邀请码不存在，请检查后重新输入"))


def target_not_found() -> NotFound:
    return NotFound(ErrorCode.INVITE_TARGET_NOT_FOUND, _("邀请链接指向的内容不存在或已下架"))


def self_referral() -> InvalidInput:
    return InvalidInput(ErrorCode.INVITE_SELF, _("不能使用自己的邀请码"))


def cycle() -> Conflict:
    return Conflict(ErrorCode.INVITE_CYCLE, _("对方是由你邀请来的，不能互相绑定邀请关系"))


def already_bound() -> Conflict:
    return Conflict(ErrorCode.INVITE_ALREADY_BOUND, _("你已经有邀请人了，邀请关系不能更改"))


def inviter_inactive() -> NotFound:
    return NotFound(ErrorCode.INVITER_INACTIVE, _("邀请人的账号已停用"))


def reward_kind_unknown(kind: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVITE_REWARD_KIND_UNKNOWN,
                        _("奖励类型「%(kind)s」不可用：可选 points、growth、coupon") % {"kind": kind})
