from __future__ import annotations

from datetime import datetime

from ninja import Field

from quanzi.core.schema import Schema


class LevelOut(Schema):
    id: int
    name: str
    threshold: int = Field(..., description="成长值门槛")
    member_price: bool = Field(..., description="是否享受商品会员价")
    free_shipping_threshold_fen: int | None = Field(None, description="单店商品实付满此金额包邮；null 不包邮，0 全部包邮")
    monthly_coupon_ids: list[int] = Field(..., description="每月礼券（优惠券模板 id）")
    description: str


class PeriodOut(Schema):
    id: int
    plan_id: int
    plan_name: str
    status: str = Field(..., description="active 有效 | refunded 已退款（有效且已过结束时间的读作已结束）")
    starts_at: datetime
    ends_at: datetime
    order_id: int | None
    paid_fen: int
    refunded_fen: int
    refundable_fen: int = Field(..., description="现在退订可退的金额（0 为不可退）")
    refund_rule: str = Field(..., description="full 全额 | pro_rata 按剩余天数 | none 不可退")


class MeOut(Schema):
    growth: int = Field(..., description="成长值（账本合计）")
    level: LevelOut | None
    next_level: LevelOut | None
    to_next: int = Field(..., description="距下一等级还差的成长值")
    is_paid_member: bool
    paid_plan: str | None = Field(None, description="正在生效的付费会员方案")
    paid_until: datetime | None = Field(None, description="付费会员（含已续费未开始的）到期时间")
    trial_available: bool


class GrowthEntryOut(Schema):
    id: int
    amount: int = Field(..., description="正数为获得，负数为扣回")
    kind: str = Field(..., description="order 购物 | refund 退款扣回 | activity 活动奖励 | operator 平台调整")
    order_id: int | None
    reason: str
    created_at: datetime


class PlanOut(Schema):
    id: int
    code: str
    name: str
    kind: str = Field(..., description="monthly | yearly | trial")
    days: int
    price_fen: int
    extra_discount_percent: int
    free_shipping: bool
    full_refund_days: int
    refund_after_use: str = Field(..., description="超期或已使用权益后：pro_rata 按剩余天数退 | none 不退")


class BuyIn(Schema):
    idempotency_key: str = Field(..., description="8-64 个字符；重复提交返回同一订单")


class BuyOut(Schema):
    checkout_id: int
    order_id: int
    payable_fen: int
    pay_url: str = Field(..., description="去收银台付款的页面")


class RefundOut(Schema):
    period_id: int
    amount_fen: int
    rule: str
