from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field

from quanzi.core.schema import Schema


class KolOut(Schema):
    user_id: int
    nickname: str
    bio: str
    verticals: list[str] = Field(..., description="垂类代码，如 beauty、fitness")
    followers: int
    posts_90d: int
    engagement_bp: int = Field(..., description="近 90 天互动率（点赞+评论+收藏+分享）/浏览，万分比")
    favourite_bp: int = Field(..., description="收藏率，万分比（内容质量信号）")
    avg_interactions: int = Field(..., description="篇均互动")
    orders_30d: int
    gmv_30d_fen: int = Field(..., description="近 30 天帖子和货架带来的成交额（分）")
    audience: list[tuple[str, int]] = Field(..., description="粉丝画像：[标签, 占粉丝的万分比]")
    stats_at: datetime | None


class ProfileIn(Schema):
    bio: str = Field("", max_length=200)
    shelf_community_id: int | None = None


class TermsIn(Schema):
    commission_rate: Decimal = Field(..., description="佣金比例，如 0.2 表示 20%（0 < 比例 ≤ 0.5）")
    fixed_fee_fen: int = Field(0, description="固定合作费（分）")
    starts_on: date
    ends_on: date
    posts_required: int = Field(0, description="约定种草帖数（挂合作商品的帖子）")
    lives_required: int = Field(0, description="约定直播场次（挂合作商品的直播）")
    message: str = Field("", max_length=300)


class ProposeIn(TermsIn):
    kol_id: int
    product_ids: list[int]


class DeclineIn(Schema):
    note: str = Field("", max_length=300)


class DealOut(Schema):
    id: int
    merchant_id: int
    merchant_name: str
    kol_id: int
    kol_nickname: str
    status: str
    commission_rate: Decimal
    fixed_fee_fen: int
    starts_on: date
    ends_on: date
    posts_required: int
    lives_required: int
    message: str
    expires_at: datetime
    accepted_at: datetime | None
    product_ids: list[int]


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    note: str
    terms: dict[str, object]
    created_at: datetime


class CreditedOut(Schema):
    order_id: int
    number: str
    product: str
    paid_at: datetime
    goods_payable_fen: int
    commission_fen: int = Field(..., description="该订单行上达人按合作比例获得的佣金（扣除退款冲回）")


class EntryOut(Schema):
    kind: str
    amount_fen: int
    base_fen: int
    created_at: datetime


class DealDetailOut(Schema):
    deal: DealOut
    history: list[StatusChangeOut]
    posts_delivered: list[int] = Field(..., description="计入约定的帖子 ID")
    lives_delivered: list[int] = Field(..., description="计入约定的直播 ID")
    deliverables_met: bool
    credited: list[CreditedOut]
    gmv_fen: int
    commission_fen: int
    entries: list[EntryOut]
    service_fee_fen: int
