from __future__ import annotations

import datetime as dt

from ninja import Field

from quanzi.core.schema import Schema


class MallIn(Schema):
    owner_id: int = Field(..., description="商场主运营者的用户 ID（成为三个社群的群主）")
    name: str = Field(..., max_length=30)
    slug: str = Field(..., max_length=30, description="短链接：3–30 个小写字母、数字或短横线")
    address: str = Field(..., max_length=120)


class CommunityRefOut(Schema):
    kind: str = Field(..., description="customer 顾客 | tenant 商户 | partner 合作伙伴")
    slug: str
    name: str
    member_count: int


class MallOut(Schema):
    id: int
    slug: str
    name: str
    address: str
    logo_url: str
    communities: list[CommunityRefOut]


class UserIdIn(Schema):
    user_id: int


class TenantInviteIn(Schema):
    merchant_id: int
    unit: str = Field("", max_length=20, description="铺位号")


class TenantOut(Schema):
    merchant_id: int
    business_name: str
    status: str = Field(..., description="invited | active | removed")
    unit: str


class PartnerApplyIn(Schema):
    kind: str = Field(..., description="hotel | restaurant | attraction | other")
    intro: str = Field("", max_length=200)


class PartnerOut(Schema):
    id: int
    merchant_id: int
    business_name: str
    kind: str
    intro: str
    status: str = Field(..., description="applied | active | rejected")


class NoticeIn(Schema):
    title: str = Field(..., max_length=60)
    body: str = Field(..., max_length=2000)


class NoticeOut(Schema):
    id: int
    post_id: int
    title: str


class ItemIn(Schema):
    kind: str = Field(..., description="festival | campaign | event")
    title: str = Field(..., max_length=40)
    description: str = Field("", max_length=500)
    starts_on: dt.date
    ends_on: dt.date
    signup_open: bool = Field(False, description="开放商户报名（仅营销活动）")
    signup_deadline: dt.date | None = None


class ItemOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    signup_open: bool
    signup_deadline: dt.date | None
    status: str
    signed_up: bool = Field(False, description="调用者的店铺已报名")
    signups: list[str] = Field(default_factory=list, description="已报名的店铺（仅运营者可见）")


class MallSignupIn(Schema):
    note: str = Field("", max_length=200)


class SignupOut(Schema):
    id: int
    item_id: int
    merchant_id: int


class CampaignIn(Schema):
    title: str = Field(..., max_length=40)
    intro: str = Field("", max_length=500)
    starts_at: dt.datetime
    ends_at: dt.datetime
    calendar_item_id: int | None = None


class CampaignOut(Schema):
    id: int
    title: str
    intro: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str = Field(..., description="live | ended")


class EntryIn(Schema):
    product_ids: list[int] = Field(default_factory=list, description="本店在售商品，最多 20 件")
    coupon_template_ids: list[int] = Field(default_factory=list, description="本店发放中的优惠券，最多 5 张")


class ProductCardOut(Schema):
    id: int
    title: str
    price_fen: int | None
    image_url: str


class CouponOfferOut(Schema):
    template_id: int
    name: str
    value: str = Field(..., description="面额或折扣，如 ¥20、8.5折")
    condition: str
    scope: str
    claimed: int = Field(..., description="调用者已领张数")
    per_member_limit: int


class EntryOut(Schema):
    merchant_id: int
    business_name: str
    products: list[ProductCardOut]
    coupons: list[CouponOfferOut]


class CampaignDetailOut(CampaignOut):
    running: bool
    entries: list[EntryOut]


class PromoIn(Schema):
    template_id: int
    partner_id: int | None = Field(None, description="商户的券送给哪家合作伙伴的客人（合作伙伴自己的券不填）")


class PromoOut(Schema):
    id: int
    template_id: int
    direction: str = Field(..., description="to_mall 合作伙伴券给商场顾客 | to_partner 商户券给合作伙伴客人")
    partner_id: int
    status: str


class MallPageOut(MallOut):
    items: list[ItemOut]
    campaigns: list[CampaignOut]
    offers: list[CouponOfferOut]
    partners: list[PartnerOut]
