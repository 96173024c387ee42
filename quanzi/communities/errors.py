"""Community error codes: a machine code and a Chinese message the user reads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def community_not_found() -> NotFound:
    return NotFound("community_not_found", _("社群不存在或无权查看"))


def member_not_found() -> NotFound:
    return NotFound("member_not_found", _("该用户不是本社群成员"))


def application_not_found() -> NotFound:
    return NotFound("application_not_found", _("没有待审核的入群申请"))


def invitation_not_found() -> NotFound:
    return NotFound("invitation_not_found", _("邀请码不存在"))


def invitation_invalid() -> InvalidInput:
    return InvalidInput("invitation_invalid", _("邀请码无效"))


def invitation_expired() -> InvalidInput:
    return InvalidInput("invitation_expired", _("邀请码已过期"))


def invitation_revoked() -> InvalidInput:
    return InvalidInput("invitation_revoked", _("邀请码已作废"))


def invitation_used_up() -> Conflict:
    return Conflict("invitation_used_up", _("邀请码已达到使用次数上限"))


def banned() -> PermissionDenied:
    return PermissionDenied("banned", _("你已被该社群封禁"))


def outranked() -> PermissionDenied:
    return PermissionDenied("outranked", _("只能管理角色低于你的成员"))


def report_not_found() -> NotFound:
    return NotFound("report_not_found", _("举报不存在"))


def report_closed() -> Conflict:
    return Conflict("report_closed", _("该举报已处理"))
