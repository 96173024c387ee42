"""Request and response bodies of /api/v1/ads."""

from __future__ import annotations

import datetime as dt

from quanzi.core.schema import Schema


class TopUpIn(Schema):
    amount_fen: int
    idempotency_key: str = ""


class TopUpOut(Schema):
    id: int
    amount_fen: int
    status: str
    order_id: int
    refunded_fen: int
    created_at: dt.datetime
    paid_at: dt.datetime | None


class LedgerOut(Schema):
    id: int
    kind: str
    amount_fen: int
    reference: str
    campaign_id: int | None
    created_at: dt.datetime


class AccountOut(Schema):
    merchant_id: int
    balance_fen: int
    topups: list[TopUpOut]
    ledger: list[LedgerOut]


class RefundOut(Schema):
    refunded_fen: int
    balance_fen: int


class CampaignIn(Schema):
    name: str
    title: str
    placement: str
    billing: str
    budget_fen: int
    price_fen: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    frequency_cap: int | None = None
    target_product_id: int | None = None
    target_path: str = ""
    target_community_id: int | None = None
    target_segment_id: int | None = None


class CampaignOut(Schema):
    id: int
    merchant_id: int
    name: str
    title: str
    placement: str
    billing: str
    budget_fen: int
    price_fen: int
    spent_fen: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    frequency_cap: int
    target_product_id: int | None
    target_path: str
    target_community_id: int | None
    target_segment_id: int | None
    status: str
    review_note: str
    image_url: str
    created_at: dt.datetime


class ReviewIn(Schema):
    approve: bool
    note: str = ""


class ReportDayOut(Schema):
    day: dt.date
    impressions: int
    clicks: int
    spent_fen: int


class ReportOut(Schema):
    campaign_id: int
    impressions: int
    clicks: int
    ctr_percent: str | None
    spent_fen: int
    billed_fen: int
    orders: int
    gmv_fen: int
    roi: str | None
    days: list[ReportDayOut]


class RevenueLineOut(Schema):
    key: str
    label: str
    days: list[int]
    window_fen: int
    all_time_fen: int
    ledger_fen: int


class RevenueMixOut(Schema):
    days: list[dt.date]
    window_fen: int
    all_time_fen: int
    lines: list[RevenueLineOut]
