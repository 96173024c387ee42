"""Input and output schemas of /api/v1/growth/groupbuy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema
from quanzi.growth.groupbuy.models import DEFAULT_FILL_MINUTES


class CampaignOut(Schema):
    id: int
    title: str
    product_id: int
    sku_id: int
    spec: dict[str, str]
    price_fen: int = Field(..., description="原价（SKU 价）")
    group_price_fen: int
    leader_price_fen: int | None = Field(None, description="团长价：开团的人付这个价（可无）")
    group_size: int
    fill_minutes: int = Field(..., description="开团后多少分钟内成团")
    member_limit: int = Field(..., description="每人在本活动限购件数，0 为不限")
    community_id: int | None = Field(None, description="限定社群（空为全平台）")
    starts_at: dt.datetime
    ends_at: dt.datetime
    succeed_at_expiry: bool = Field(..., description="到期未满员也按实际付款人数成团（不添加虚拟成员）")
    status: str = Field(..., description="active | paused | ended（商家设置的）")
    phase: str = Field(..., description="scheduled | running | paused | ended（此刻的）")

    @staticmethod
    def resolve_spec(obj: Any) -> dict[str, str]:
        return dict(obj.sku.spec or {})

    @staticmethod
    def resolve_price_fen(obj: Any) -> int:
        return int(obj.sku.price_fen)

    @staticmethod
    def resolve_phase(obj: Any) -> str:
        from quanzi.growth.groupbuy.selectors import campaign_phase_now

        return campaign_phase_now(obj)


class CampaignIn(Schema):
    sku_id: int
    group_price_fen: int
    group_size: int = Field(..., description="2–100")
    starts_at: dt.datetime = Field(..., description="晚于现在即定时开始")
    ends_at: dt.datetime
    leader_price_fen: int | None = None
    fill_minutes: int = Field(DEFAULT_FILL_MINUTES, description="5 分钟到 7 天，默认 24 小时")
    member_limit: int = Field(0, description="0 为不限")
    community_id: int | None = None
    succeed_at_expiry: bool = False
    title: str = Field("", max_length=60)


class FiguresOut(Schema):
    campaign_id: int
    groups_open: int
    groups_succeeded: int
    groups_failed: int
    members_paid: int = Field(..., description="已成团的付款成员数")
    units_sold: int = Field(..., description="已成团售出件数")
    gmv_fen: int = Field(..., description="已成团成交额：拼团价 × 件数（不含运费）")
    units_waiting: int = Field(..., description="进行中的团里已付款的件数")


class UserBrief(Schema):
    id: int
    nickname: str
    avatar: str = ""

    @staticmethod
    def resolve_avatar(obj: Any) -> str:
        return obj.avatar.url if getattr(obj, "avatar", None) else ""


class GroupOut(Schema):
    """A group as it reads now (a group past its deadline reads as closed)."""

    id: int
    campaign_id: int
    leader: UserBrief
    status: str = Field(..., description="open | succeeded | failed（此刻的）")
    size: int
    paid_count: int
    places_to_pay: int = Field(..., description="还差几人付款成团")
    places_free: int = Field(..., description="还能占的名额（未付款超时的名额算空出）")
    deadline: dt.datetime
    seconds_left: int
    close_reason: str = Field("", description="filled | expired_short | succeeded_at_expiry | campaign_ended")


class MemberOut(Schema):
    user: UserBrief
    role: str = Field(..., description="leader | member")
    status: str = Field(..., description="reserved（待支付）| paid | refunded")


class GroupDetailOut(GroupOut):
    members: list[MemberOut]
    succeeded_short: bool = Field(..., description="到期未满员、按商家设置以实际人数成团")
    join_problem: str = Field("", description="当前用户不能参团的原因（可以参团时为空）")
    share_token: str = Field("", description="当前用户的邀请码（生成过时）")


class PlaceOut(Schema):
    """One of the member's places."""

    group_id: int
    campaign_id: int
    title: str
    role: str
    status: str = Field(..., description="reserved | paid | refunded")
    group_status: str = Field(..., description="open | succeeded | failed（此刻的）")
    quantity: int
    unit_price_fen: int
    order_id: int

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.group.campaign.title)

    @staticmethod
    def resolve_group_status(obj: Any) -> str:
        from quanzi.growth.groupbuy.selectors import group_status_now

        return group_status_now(obj.group)


class ShareOut(Schema):
    token: str
    url: str


class PlaceIn(Schema):
    """Open a group or join one: a normal order (held from shipping until the group succeeds)."""

    address_id: int
    idempotency_key: str = Field(..., min_length=8, max_length=64)
    quantity: int = Field(1, ge=1, le=999)
    share_token: str = Field("", max_length=32, description="参团时：通过谁的邀请链接（可空）")
