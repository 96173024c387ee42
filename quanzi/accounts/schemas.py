from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema


class SignupIn(Schema):
    phone: str | None = Field(None, description="11 位手机号")
    email: str | None = None
    password: str
    nickname: str
    invite_code: str = Field("", max_length=20, description="邀请码（可空）：绑定邀请人")


class LoginIn(Schema):
    login: str = Field(..., description="手机号或邮箱")
    password: str


class UserOut(Schema):
    id: int
    nickname: str
    bio: str
    avatar_url: str
    follower_count: int
    following_count: int

    @staticmethod
    def resolve_avatar_url(obj: Any) -> str:
        return obj.avatar.url if obj.avatar else ""


class MeOut(UserOut):
    phone: str | None
    email: str | None
    date_joined: datetime


class AuthOut(Schema):
    token: str
    expires_at: datetime = Field(..., description="令牌过期时间；过期前可用 /accounts/token/refresh 换新令牌")
    user: MeOut


class PasswordChangeIn(Schema):
    old_password: str
    new_password: str


class PasswordChangedOut(Schema):
    """With a bearer token, every token was revoked: `token` is a new one for this client. With the session,
    the session stays logged in and `token` is null."""

    token: str | None = None
    expires_at: datetime | None = None


class ProfileIn(Schema):
    nickname: str | None = None
    bio: str | None = None


class PersonaIn(Schema):
    value: Any
    consent: bool = Field(..., description="明确同意保存该字段（PIPL）")


class PersonaOut(Schema):
    gender: str
    birth_year: int | None
    birthday: str = Field("", description="生日（月-日，MM-DD）")
    region: str
    income_band: str


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    actor: UserOut | None
    read: bool
    created_at: datetime

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return str(obj.display_text)  # in the language of this request, not the actor's


class MarkReadIn(Schema):
    ids: list[int] | None = None


class CountOut(Schema):
    count: int
