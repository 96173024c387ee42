from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field

from quanzi.core.schema import Schema


class DayOut(Schema):
    day: str = Field(..., description="MM-DD（北京时间）")
    amount_fen: int = Field(..., description="当天新增佣金（扣除退款冲回）")


class CentreOut(Schema):
    status: str | None = Field(None, description="applied | active | rejected | suspended；未申请为 null")
    can_earn: bool = Field(..., description="按平台规则此刻能否获得佣金")
    mode: str = Field(..., description="everyone | appointed | threshold")
    threshold_fen: int
    spend_fen: int
    pending_fen: int = Field(..., description="待结算（售后期内冻结）")
    available_fen: int = Field(..., description="可提现；退款冲回后可能为负")
    withdrawn_fen: int = Field(..., description="已到账的提现")
    in_flight_fen: int = Field(..., description="审核中或打款中的提现")
    clicks: int = Field(..., description="经你的分享链接、邀请链接的浏览次数")
    invited: int
    orders: int
    levels: int
    chart: list[DayOut]


class PromoterOut(Schema):
    id: int
    user_id: int
    status: str
    source: str


class AppointIn(Schema):
    user_id: int
    community_id: int | None = Field(None, description="群主指定时必填：被指定的会员须是该社群成员")


class EntryOut(Schema):
    id: int
    kind: str = Field(..., description="accrue | reverse | release | withdraw | withdraw_return")
    bucket: str = Field(..., description="pending 待结算 | available 可提现")
    amount_fen: int
    order_id: int | None
    level: int | None
    rate: Decimal | None
    created_at: datetime


class WithdrawIn(Schema):
    amount_fen: int = Field(..., description="提现金额（分），手续费从中扣除")


class WithdrawalOut(Schema):
    id: int
    number: str
    promoter_id: int
    amount_fen: int
    fee_fen: int
    payout_fen: int
    status: str = Field(..., description="requested | approved | paid | rejected")
    channel: str
    payout_ref: str
    created_at: datetime
    paid_at: datetime | None


class RejectIn(Schema):
    reason: str = ""


class CommunityRuleIn(Schema):
    promoter_mode: str | None = Field(None, description="everyone | appointed | threshold；空字符串表示沿用平台")
    spend_threshold_fen: int | None = None
    levels: int | None = Field(None, description="0–3（法定上限 3 级）")
    level1_rate: Decimal | None = None
    level2_rate: Decimal | None = None
    level3_rate: Decimal | None = None
    kol_rate: Decimal | None = None


class CommunityRuleOut(Schema):
    community_id: int
    promoter_mode: str
    spend_threshold_fen: int | None
    levels: int | None
    level1_rate: Decimal | None
    level2_rate: Decimal | None
    level3_rate: Decimal | None
    kol_rate: Decimal | None
