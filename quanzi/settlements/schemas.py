from __future__ import annotations

import datetime as dt

from ninja import Field

from quanzi.core.schema import Schema


class StatementOut(Schema):
    id: int
    merchant_id: int
    merchant_name: str = Field(alias="merchant.business_name")
    period_start: dt.date = Field(description="周期开始（含），上海日期")
    period_end: dt.date = Field(description="周期结束（不含），上海日期")
    status: str
    sales_fen: int
    refunds_fen: int
    sales_commission_fen: int
    commission_returned_fen: int
    commission_fen: int
    subsidy_fen: int = Field(0, description="平台补贴（分）：平台券、积分、红包余额抵扣的部分，退款按比例扣回")
    net_fen: int = Field(description="应结算 = 销售额 − 退款额 + 平台补贴 − 平台佣金")
    order_count: int
    refund_count: int
    generated_at: dt.datetime
    confirmed_at: dt.datetime | None = None


class StatementLineOut(Schema):
    id: int
    kind: str
    happened_at: dt.datetime
    order_id: int
    order_number: str
    order_line_id: int | None = None
    refund_no: str
    title: str
    quantity: int
    amount_fen: int = Field(description="金额（分），退款为负")
    commission_fen: int = Field(description="佣金（分），退回为负")
    subsidy_fen: int = Field(0, description="平台补贴（分），退款扣回为负")
    net_fen: int


class GenerateIn(Schema):
    merchant_id: int | None = Field(None, description="不填则为所有商家生成")
    month: str = Field("", description="月份，如 2026-10；或填写 start 和 end", examples=["2026-10"])
    start: str = Field("", description="开始日期（含），如 2026-10-01")
    end: str = Field("", description="结束日期（不含），如 2026-11-01")
