"""Input and output schemas of the privacy API (/api/v1/privacy)."""

from __future__ import annotations

import datetime as dt

from ninja import Field
from ninja import Schema as OutSchema

from quanzi.core.schema import Schema


class ConsentOut(OutSchema):
    purpose: str = Field(..., description="persona | recommendation | marketing | sensitive_financial | "
                                          "sensitive_minor")
    label: str
    granted: bool
    at: dt.datetime | None = Field(None, description="会员最近一次选择的时间；为空表示从未选择，适用默认值")
    policy_version: str = Field(..., description="当时所见隐私政策的版本；从未选择时为空")
    sensitive: bool = Field(..., description="敏感个人信息，需单独同意")


class ExportOut(OutSchema):
    id: int
    status: str = Field(..., description="queued | ready | failed | expired")
    rows: int
    created_at: dt.datetime
    ready_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None


class CodeIn(Schema):
    purpose: str = Field(..., description="delete_account | change_phone")
    phone: str | None = Field(None, description="更换手机号时：新号码")


class CodeOut(OutSchema):
    purpose: str
    expires_at: dt.datetime


class DeletionIn(Schema):
    code: str = Field("", description="发送到本人手机的验证码（有手机号的账号）")
    password: str = Field("", description="登录密码（没有手机号的账号）")


class DeletionOut(OutSchema):
    id: int
    status: str = Field(..., description="pending | cancelled | done")
    requested_at: dt.datetime
    effective_at: dt.datetime = Field(..., description="冷静期结束、注销生效的时间；其间登录即撤销")
    finished_at: dt.datetime | None = None
