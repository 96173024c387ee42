"""Community error codes: a machine code and a Chinese message the user reads."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the communities app raises (communities, memberships and roles, invitations, moderation, reports); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ALREADY_BANNED = "already_banned"
    ALREADY_REPORTED = "already_reported"
    APPLICATION_NOT_FOUND = "application_not_found"
    APPLY_NOTE_TOO_LONG = "apply_note_too_long"
    BANNED = "banned"
    CANNOT_CHANGE_OWNER = "cannot_change_owner"
    CANNOT_REPORT_SELF = "cannot_report_self"
    CANNOT_SET_OWNER = "cannot_set_owner"
    COMMUNITY_NOT_FOUND = "community_not_found"
    INVALID_ACTION = "invalid_action"
    INVALID_EXPIRES_AT = "invalid_expires_at"
    INVALID_ID = "invalid_id"
    INVALID_MAX_USES = "invalid_max_uses"
    INVALID_MODERATION_KIND = "invalid_moderation_kind"
    INVALID_NAME = "invalid_name"
    INVALID_NUMBER = "invalid_number"
    INVALID_REPORT_TARGET = "invalid_report_target"
    INVALID_ROLE = "invalid_role"
    INVALID_SLUG = "invalid_slug"
    INVALID_STATUS = "invalid_status"
    INVALID_TAGS = "invalid_tags"
    INVALID_UNTIL = "invalid_until"
    INVALID_VERTICAL = "invalid_vertical"
    INVALID_VISIBILITY = "invalid_visibility"
    INVITATION_CODE_CLASH = "invitation_code_clash"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_NOT_FOUND = "invitation_not_found"
    INVITATION_REVOKED = "invitation_revoked"
    INVITATION_USED_UP = "invitation_used_up"
    INVITE_ONLY = "invite_only"
    MEMBER_NOT_FOUND = "member_not_found"
    MUTED = "muted"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_BANNED = "not_banned"
    NOT_MEMBER = "not_member"
    NOT_MUTED = "not_muted"
    OUTRANKED = "outranked"
    OWNER_CANNOT_LEAVE = "owner_cannot_leave"
    PERMISSION_DENIED = "permission_denied"
    POSITIONING_TOO_LONG = "positioning_too_long"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    REPORT_CLOSED = "report_closed"
    REPORT_NOT_FOUND = "report_not_found"
    REPORT_TARGET_NOT_FOUND = "report_target_not_found"
    RULES_TOO_LONG = "rules_too_long"
    SLUG_TAKEN = "slug_taken"
    TAG_TOO_LONG = "tag_too_long"
    TOO_MANY_TAGS = "too_many_tags"


def community_not_found() -> NotFound:
    return NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))


def member_not_found() -> NotFound:
    return NotFound(ErrorCode.MEMBER_NOT_FOUND, _("该用户不是本社群成员"))


def application_not_found() -> NotFound:
    return NotFound(ErrorCode.APPLICATION_NOT_FOUND, _("没有待审核的入群申请"))


def invitation_not_found() -> NotFound:
    return NotFound(ErrorCode.INVITATION_NOT_FOUND, _("邀请码不存在"))


def invitation_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.INVITATION_INVALID, _("邀请码无效"))


def invitation_expired() -> InvalidInput:
    return InvalidInput(ErrorCode.INVITATION_EXPIRED, _("邀请码已过期"))


def invitation_revoked() -> InvalidInput:
    return InvalidInput(ErrorCode.INVITATION_REVOKED, _("邀请码已作废"))


def invitation_used_up() -> Conflict:
    return Conflict(ErrorCode.INVITATION_USED_UP, _("邀请码已达到使用次数上限"))


def banned() -> PermissionDenied:
    return PermissionDenied(ErrorCode.BANNED, _("你已被该社群封禁"))


def outranked() -> PermissionDenied:
    return PermissionDenied(ErrorCode.OUTRANKED, _("只能管理角色低于你的成员"))


def report_not_found() -> NotFound:
    return NotFound(ErrorCode.REPORT_NOT_FOUND, _("举报不存在"))


def report_closed() -> Conflict:
    return Conflict(ErrorCode.REPORT_CLOSED, _("该举报已处理"))
