from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema


class TagOut(Schema):
    code: str = Field(..., description="<kind>:<value>，如 category:12、hours:evening")
    group: str = Field(..., description="basic 基本属性 | behaviour 行为 | needs 需求与场景 | social 社交")
    label: str
    reason: str = Field(..., description="为什么有这个标签（依据）")
    score: int = Field(..., description="强度 0–100")


class MyTagOut(Schema):
    tag: TagOut
    on: bool = Field(..., description="false: 已关闭，不被任何功能使用")


class MyGroupOut(Schema):
    group: str
    label: str
    on: bool
    tags: list[MyTagOut]


class SwitchIn(Schema):
    group: str
    code: str = Field("", description="留空则切换整组")
    on: bool


class SegmentFiltersIn(Schema):
    tags_all: list[str] = Field(default_factory=list, description="必须全部拥有的标签")
    tags_any: list[str] = Field(default_factory=list, description="拥有其中任一即可的标签")
    spend_days: int | None = Field(None, description="消费、订单统计的最近天数，默认 30")
    spend_min_fen: int | None = None
    spend_max_fen: int | None = None
    orders_min: int | None = None
    active_days: int | None = Field(None, description="最近 N 天内有活动")
    inactive_days: int | None = Field(None, description="最近 N 天内没有活动")

    def as_raw(self) -> dict[str, Any]:
        return {k: v for k, v in self.dict().items() if v not in (None, [])}


class CountIn(Schema):
    community_id: int | None = Field(None, description="空为全平台（仅运营）")
    filters: SegmentFiltersIn | None = None


class CountOut(Schema):
    count: int


class SegmentIn(CountIn):
    name: str


class SegmentOut(Schema):
    id: int
    name: str
    community_id: int | None
    filters: dict[str, Any]
    member_count: int = Field(..., description="上次保存或计算时的人数")
    counted_at: datetime | None
    created_at: datetime


class TargetIn(Schema):
    template_id: int = Field(..., description="优惠券模板（活动）ID：只有该人群的会员能领取或被发放")


class TargetOut(Schema):
    template_id: int
    audience_kind: str
    audience_ref: int | None
