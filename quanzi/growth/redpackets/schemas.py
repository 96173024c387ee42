from __future__ import annotations

from datetime import datetime

from ninja import Field

from quanzi.core.schema import Schema


class PacketIn(Schema):
    community_id: int
    amount_fen: int = Field(..., description="总金额（分），从余额支付")
    shares: int = Field(..., description="红包个数；每个至少 1 分")
    greeting: str = ""


class ClaimOut(Schema):
    """One claim: who, how much, when."""

    claimer_id: int
    claimer_name: str
    amount_fen: int
    claimed_at: datetime


class PacketOut(Schema):
    id: int
    funder_id: int
    funder_name: str
    community_id: int
    amount_fen: int
    shares: int
    greeting: str
    status: str = Field(..., description="open 可领取 | finished 已领完 | expired 已过期（过期未关闭的也读作 expired）")
    state: str = Field(..., description="对当前会员：open | claimed 已领 | finished | expired")
    shares_left: int
    claimed_fen: int
    expires_at: datetime
    my_amount_fen: int | None = Field(None, description="当前会员领到的金额")
    claims: list[ClaimOut]


class ShareOut(Schema):
    packet_id: int
    amount_fen: int
    position: int
    claimed_at: datetime | None
    balance_fen: int = Field(..., description="领取后的余额")


class BalanceOut(Schema):
    balance_fen: int


class BalanceEntryOut(Schema):
    id: int
    amount_fen: int = Field(..., description="正数为收入，负数为支出")
    kind: str = Field(..., description="packet_claim | packet_fund | packet_return | checkout_spend | order_return | "
                                       "refund_return | grant")
    reference: str
    packet_id: int | None
    order_id: int | None
    created_at: datetime
