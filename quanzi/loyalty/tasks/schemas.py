from __future__ import annotations

import datetime as dt

from ninja import Field

from quanzi.core.schema import Schema


class RewardOut(Schema):
    kind: str = Field(..., description="points 积分 | growth 成长值 | coupon 优惠券（amount 为券模板编号）")
    amount: int
    label: str


class TaskOut(Schema):
    id: int
    code: str
    title: str
    description: str
    section: str = Field(..., description="novice 新手 | daily 每日 | weekly 每周 | invite 邀请")
    trigger: str
    period: str = Field(..., description="once 一次性 | daily 每日（北京时间）| weekly 每周（ISO 周）")
    period_key: str = Field(..., description="当前周期：once、2026-11-30 或 2026-W48")
    target: int
    progress: int = Field(..., description="本周期进度（不超过 target）")
    state: str = Field(..., description="in_progress 进行中 | claimable 可领取 | claimed 已领取")
    link: str
    rewards: list[RewardOut]


class ClaimOut(Schema):
    id: int
    task_id: int
    period_key: str
    progress: int
    rewards: list[RewardOut]
    created_at: dt.datetime


class StepOut(Schema):
    day: int
    rewards: list[RewardOut]
    reached: bool


class CheckinRewardOut(Schema):
    community_id: int
    day: dt.date
    count: int
    mode: str
    rewards: list[RewardOut]
    created_at: dt.datetime


class CheckinPanelOut(Schema):
    community_id: int
    has_rule: bool
    mode: str = Field("", description="continuous 连续 | weekly 本周累计 | monthly 本月累计")
    repeat: bool = False
    checked_today: bool
    count: int = Field(..., description="规则当前计数：连续天数，或本周 / 本月打卡天数")
    streak: int
    today_rewards: list[RewardOut] = Field(..., description="今天打卡可得（已打卡：今天发放）的奖励")
    today_reward: CheckinRewardOut | None
    settle_due: bool = Field(..., description="已打卡、今天有奖励但尚未发放（可调用 reward 补发）")
    table: list[StepOut]
    month_days: list[dt.date]


class BadgeOut(Schema):
    code: str
    name: str
    icon: str
    description: str
    awarded_at: dt.datetime
