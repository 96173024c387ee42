from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema


class ExpiringOut(Schema):
    points: int
    expires_at: datetime


class BalanceOut(Schema):
    points: int = Field(..., description="现有积分（未过期批次的剩余之和）")
    redeem_per_yuan: int = Field(..., description="多少积分抵 ¥1")
    redeem_max_percent: int = Field(..., description="下单最多抵扣商品金额的百分比")
    expiring_soon: list[ExpiringOut] = Field(..., description="即将过期的积分，按过期时间")


class EntryOut(Schema):
    id: int
    points: int = Field(..., description="正数为获得，负数为支出")
    kind: str = Field(..., description="order_earn | grant | order_redeem | mall_redeem | clawback | expire | "
                                       "order_return | refund_return | mall_return")
    kind_label: str
    reason: str = Field(..., description="发放方写的说明（如任务名），或订单号、兑换商品名")
    order_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class MallItemOut(Schema):
    id: int
    title: str
    description: str
    kind: str = Field(..., description="coupon 优惠券 | goods 实物（商家发货）")
    cost_points: int
    left: int = Field(..., description="剩余库存")
    per_member_limit: int
    redeemed_by_me: int


class RedeemIn(Schema):
    request_key: str = Field("", max_length=64, description="幂等键：同一键重试返回第一次的兑换")
    address_id: int | None = Field(None, description="实物兑换的收货地址（来自下单地址）")


class RedemptionOut(Schema):
    id: int
    item_id: int
    title: str
    points: int
    status: str = Field(..., description="done 已发放 | pending 待发货 | shipped 已发货 | cancelled 已取消")
    ship_address: str
    carrier: str
    tracking_no: str
    created_at: datetime
    balance: int = Field(..., description="兑换后的积分")
