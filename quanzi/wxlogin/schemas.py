from __future__ import annotations

from datetime import datetime

from ninja import Field

from quanzi.accounts.schemas import MeOut
from quanzi.core.schema import Schema


class MiniLoginIn(Schema):
    code: str = Field(..., max_length=512, description="小程序 wx.login() 得到的 code（只能用一次）")


class MiniRegisterIn(Schema):
    ticket: str = Field(..., max_length=64, description="/mini/login 答复的 ticket（30 分钟内有效，只能用一次）")
    nickname: str = Field(..., max_length=40)
    consent: bool = Field(..., description="用户已阅读并同意 consent_version 版本的《微信登录个人信息处理说明》")


class MiniBindIn(Schema):
    ticket: str = Field(..., max_length=64)
    consent: bool


class MiniLoginOut(Schema):
    status: str = Field(..., description="logged_in：已登录（token 有效）；need_account：新微信用户，"
                                         "用 ticket 注册（/mini/register）或登录后绑定（/mini/bind）")
    token: str = ""
    expires_at: datetime | None = None
    user: MeOut | None = None
    ticket: str = ""
    consent_version: str = ""


class IdentityOut(Schema):
    id: int
    appid: str
    nickname: str
    scope: str
    bound_at: datetime
