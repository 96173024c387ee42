from __future__ import annotations

from datetime import datetime

from ninja import Field

from quanzi.core.schema import Schema


class StatsOut(Schema):
    visits: int = Field(..., description="邀请链接被打开的次数")
    invitees: int = Field(..., description="通过邀请注册（绑定）的人数")
    in_force: int = Field(..., description="当前仍有效的绑定数")
    first_orders: int = Field(..., description="首单已付款（未全额退款）的被邀请人数")
    rewarded: int = Field(..., description="已发放奖励的人数（首单完成）")


class InviterOut(Schema):
    user_id: int
    nickname: str
    source: str
    started_at: datetime
    expires_at: datetime | None


class MeOut(Schema):
    code: str = Field(..., description="我的邀请码（注册时填写，或用在邀请链接中）")
    link: str = Field(..., description="邀请加入平台的链接")
    policy: str = Field(..., description="绑定规则：first | permanent | days | last_click")
    stats: StatsOut
    inviter: InviterOut | None = Field(None, description="我的邀请人（当前有效的绑定）")


class LinkOut(Schema):
    kind: str
    target_id: int | None
    title: str
    price_fen: int | None
    link: str
    qr_url: str = Field(..., description="二维码 PNG")
    poster_url: str = Field(..., description="分享海报 PNG（750×1200）")


class BindIn(Schema):
    code: str = Field(..., max_length=20, description="邀请人的邀请码")


class BindingOut(Schema):
    inviter_id: int
    source: str
    policy: str
    started_at: datetime
    expires_at: datetime | None


class InviteeOut(Schema):
    invitee_id: int
    nickname: str
    source: str
    started_at: datetime
    in_force: bool
    first_order: str = Field(..., description="none 待首单 | qualified 首单已付款 | rewarded 已发奖励 | void 首单已退款")


class LeaderOut(Schema):
    rank: int
    user_id: int
    nickname: str
    count: int = Field(..., description="首单已付款的被邀请人数")
