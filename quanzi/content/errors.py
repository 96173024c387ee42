"""The content app's error codes (machine code + message in the user's language)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def post_not_found() -> NotFound:
    return NotFound("post_not_found", _("帖子不存在或无权查看"))


def comment_not_found() -> NotFound:
    return NotFound("comment_not_found", _("评论不存在"))


def share_not_found() -> NotFound:
    return NotFound("share_not_found", _("分享链接无效"))


def not_author() -> PermissionDenied:
    return PermissionDenied("not_author", _("只有作者可以执行此操作"))


def staff_only() -> PermissionDenied:
    return PermissionDenied("staff_only", _("仅平台运营人员可以执行此操作"))


def post_not_open() -> Conflict:
    return Conflict("post_not_open", _("该帖子当前不可互动"))


def invalid(code: str, message: str) -> InvalidInput:
    return InvalidInput(code, message)


def conflict(code: str, message: str) -> Conflict:
    return Conflict(code, message)
