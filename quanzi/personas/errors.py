from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the personas app raises (tags, switch-offs, segments); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    INVALID_FILTERS = "invalid_filters"
    INVALID_SEGMENT_NAME = "invalid_segment_name"
    NOT_AUTHENTICATED = "not_authenticated"
    SEGMENT_NOT_ALLOWED = "segment_not_allowed"
    SEGMENT_NOT_FOUND = "segment_not_found"
    UNKNOWN_TAG = "unknown_tag"
    UNKNOWN_TAG_GROUP = "unknown_tag_group"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def unknown_tag() -> InvalidInput:
    return InvalidInput(ErrorCode.UNKNOWN_TAG, _("未知的标签"))


def unknown_group() -> InvalidInput:
    return InvalidInput(ErrorCode.UNKNOWN_TAG_GROUP, _("未知的标签分组"))


def invalid_filters(message: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_FILTERS, message)


def invalid_name() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_SEGMENT_NAME, _("人群名称须为 1–40 个字符"))


def segment_not_found() -> NotFound:
    return NotFound(ErrorCode.SEGMENT_NOT_FOUND, _("人群不存在或无权查看"))


def not_allowed() -> PermissionDenied:
    return PermissionDenied(ErrorCode.SEGMENT_NOT_ALLOWED, _("只有社群的群主、管理员和平台运营可以管理人群"))
