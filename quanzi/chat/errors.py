from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)


class ErrorCode(StrEnum):
    """Every error code the chat app raises (conversations, messages, blocking, reports, the shop's queue); the
    API description lists them (quanzi/api_errors.py)."""

    ALREADY_REPORTED = "already_reported"
    BLOCKED = "blocked"
    CANNOT_MESSAGE_SELF = "cannot_message_self"
    CARD_NOT_FOUND = "card_not_found"
    CONVERSATION_NOT_FOUND = "conversation_not_found"
    INVALID_REASON = "invalid_reason"
    INVALID_SETTING = "invalid_setting"
    MERCHANT_NOT_FOUND = "merchant_not_found"
    MESSAGE_EMPTY = "message_empty"
    MESSAGE_NOT_FOUND = "message_not_found"
    MESSAGE_TOO_LONG = "message_too_long"
    NOT_ACCEPTING = "not_accepting"
    NOT_AGENT = "not_agent"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_PARTICIPANT = "not_participant"
    INVALID_CHARACTERS = "invalid_characters"
    RATE_LIMITED = "rate_limited"
    USER_NOT_FOUND = "user_not_found"
    AGENT_EXISTS = "agent_exists"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def conversation_not_found() -> NotFound:
    # a conversation the viewer is not in reads as missing: its existence is not told
    return NotFound(ErrorCode.CONVERSATION_NOT_FOUND, _("会话不存在"))


def not_participant() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_PARTICIPANT, _("你不在这个会话中"))


def user_not_found() -> NotFound:
    return NotFound(ErrorCode.USER_NOT_FOUND, _("用户不存在"))


def merchant_not_found() -> NotFound:
    return NotFound(ErrorCode.MERCHANT_NOT_FOUND, _("商家不存在或未营业"))


def cannot_message_self() -> InvalidInput:
    return InvalidInput(ErrorCode.CANNOT_MESSAGE_SELF, _("不能给自己发私信"))


def not_accepting() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_ACCEPTING, _("对方设置了不接收你的私信"))


def blocked() -> PermissionDenied:
    return PermissionDenied(ErrorCode.BLOCKED, _("你们之间有拉黑关系，无法发送消息"))


def message_empty() -> InvalidInput:
    return InvalidInput(ErrorCode.MESSAGE_EMPTY, _("消息不能为空"))


def message_too_long(limit: int) -> InvalidInput:
    return InvalidInput(ErrorCode.MESSAGE_TOO_LONG, _("消息不能超过 %(n)d 个字") % {"n": limit})


def invalid_characters() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_CHARACTERS, _("文本包含不允许的控制字符"))


def rate_limited(retry_after: int) -> TooManyRequests:
    return TooManyRequests(ErrorCode.RATE_LIMITED, _("发送太频繁了，请稍后再试"), retry_after=retry_after)


def card_not_found() -> NotFound:
    return NotFound(ErrorCode.CARD_NOT_FOUND, _("商品或订单不存在"))


def message_not_found() -> NotFound:
    return NotFound(ErrorCode.MESSAGE_NOT_FOUND, _("消息不存在"))


def invalid_setting() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_SETTING, _("私信设置无效"))


def invalid_reason() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_REASON, _("请填写举报理由（不超过 200 字）"))


def already_reported() -> Conflict:
    return Conflict(ErrorCode.ALREADY_REPORTED, _("你已举报过，请等待平台处理"))


def not_agent() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_AGENT, _("你不是这家店的客服"))


def agent_exists() -> Conflict:
    return Conflict(ErrorCode.AGENT_EXISTS, _("已经是本店客服"))
