from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from quanzi.accounts.schemas import UserOut
from quanzi.communities.enums import ModerationKind, Vertical
from quanzi.communities.selectors import invitation_is_usable
from quanzi.core.schema import Schema


class CommunityIn(Schema):
    name: str = Field(..., description="名称，2–40 个字符")
    slug: str = Field(..., description="短链接：3–40 位小写字母、数字或连字符")
    vertical: str = Field(..., description="垂类：" + "、".join(Vertical.values))
    tags: list[str] = Field(default_factory=list, description="标签，最多 10 个，每个最多 12 个字符")
    positioning: str = ""
    rules: str = ""
    visibility: str = Field("public", description="public 公开 / apply 申请加入 / invite 仅限邀请")


class CommunityPatch(Schema):
    name: str | None = None
    vertical: str | None = None
    tags: list[str] | None = None
    positioning: str | None = None
    rules: str | None = None
    visibility: str | None = None


class OwnerOut(Schema):
    id: int
    nickname: str


class CommunityOut(Schema):
    id: int
    slug: str
    name: str
    vertical: str
    vertical_label: str
    tags: list[str]
    positioning: str
    visibility: str
    cover_url: str
    member_count: int
    post_count: int
    owner: OwnerOut
    created_at: datetime

    @staticmethod
    def resolve_vertical_label(obj: Any) -> str:
        return str(Vertical(obj.vertical).label) if obj.vertical in Vertical.values else obj.vertical

    @staticmethod
    def resolve_cover_url(obj: Any) -> str:
        return obj.cover.url if obj.cover else ""


class MyCommunityOut(CommunityOut):
    my_role: str


class MyMembershipOut(Schema):
    role: str
    status: str
    muted_until: datetime | None
    joined_at: datetime | None


class CommunityDetailOut(CommunityOut):
    rules: str
    membership: MyMembershipOut | None
    permissions: list[str] = Field(..., description="当前用户在本社群拥有的权限")


class JoinIn(Schema):
    code: str | None = Field(None, description="邀请码（仅限邀请的社群必填）")
    apply_note: str = Field("", description="申请说明（申请加入的社群）")


class MemberOut(Schema):
    user: UserOut
    role: str
    status: str
    muted_until: datetime | None
    apply_note: str
    joined_at: datetime | None
    invited_by_id: int | None
    created_at: datetime


class RejectIn(Schema):
    reason: str = ""


class RoleIn(Schema):
    role: str = Field(..., description="admin / kol / member")


class MuteIn(Schema):
    until: datetime = Field(..., description="禁言截止时间（带时区）")
    reason: str


class BanIn(Schema):
    reason: str


class PermissionOut(Schema):
    code: str
    text: str


class RolePermissionsOut(Schema):
    role: str
    label: str
    permissions: list[PermissionOut]


class InvitationIn(Schema):
    max_uses: int | None = Field(None, description="可用次数，不填为不限")
    expires_at: datetime | None = Field(None, description="过期时间，不填为长期有效")


class InvitationOut(Schema):
    id: int
    code: str
    url: str
    max_uses: int | None
    use_count: int
    expires_at: datetime | None
    revoked: bool
    usable: bool
    created_by: OwnerOut
    created_at: datetime

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return f"/join/{obj.code}/"

    @staticmethod
    def resolve_usable(obj: Any) -> bool:
        return invitation_is_usable(obj)


class InvitationPreviewOut(Schema):
    code: str
    usable: bool
    community: CommunityOut
    inviter: OwnerOut


class ReportIn(Schema):
    target_type: str = Field(..., description="post / comment / member")
    target_id: int
    reason: str


class ReportCloseIn(Schema):
    note: str = ""


class ReportOut(Schema):
    id: int
    target_type: str
    target_id: int
    reason: str
    status: str
    reporter: OwnerOut
    handled_by: OwnerOut | None
    handled_at: datetime | None
    created_at: datetime


class ModerationOut(Schema):
    id: int
    kind: str
    kind_label: str
    actor: OwnerOut
    target_user: OwnerOut | None
    target_type: str
    target_id: int | None
    reason: str
    until: datetime | None
    detail: dict[str, Any]
    created_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(ModerationKind(obj.kind).label) if obj.kind in ModerationKind.values else obj.kind
