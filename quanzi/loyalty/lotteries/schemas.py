from __future__ import annotations

from datetime import datetime

from ninja import Field

from quanzi.core.schema import Schema


class PrizeIn(Schema):
    name: str
    count: int = Field(..., description="本奖项的奖品个数")
    kind: str = Field(..., description="points 积分 | coupon 优惠券 | growth 成长值 | goods 实物（主办方寄送）")
    amount: int = Field(0, description="积分或成长值数量；优惠券为券模板 id；实物为 0")
    value_fen: int = Field(0, description="单个奖品价值（分），优惠券和实物必填（券可省略，取面额）；"
                                          "不得超过 5,000,000（¥50,000，反不正当竞争法第十条）")


class LotteryIn(Schema):
    title: str
    community_id: int | None = Field(None, description="社群抽奖；不填为平台活动抽奖（仅运营，且只能按购买发号）")
    campaign: str = Field("", description="所属活动名称")
    rules_text: str = ""
    eligibility: str = Field(..., description="members 社群成员 | checkin_streak 连续打卡 | buyers 购买指定商品"
                                              "（每个付款订单一个号码，号码不单独出售）")
    min_streak: int = Field(0, description="连续打卡天数（checkin_streak）")
    product_id: int | None = Field(None, description="指定商品（buyers）；须为寄送的实物商品")
    opens_at: datetime
    closes_at: datetime
    draw_at: datetime
    prizes: list[PrizeIn]


class PrizeOut(Schema):
    tier: int
    name: str
    count: int
    kind: str
    amount: int
    value_fen: int
    odds: str = Field(..., description="按当前有效号码数，一个号码抽中本奖项的概率")


class EntryOut(Schema):
    lottery_id: int
    number: int
    source: str = Field(..., description="member | streak | order")
    order_id: int | None
    status: str = Field(..., description="valid | revoked（订单全额退款，开奖前作废）")
    created_at: datetime


class WinnerOut(Schema):
    rank: int
    tier: int
    prize: str
    number: int
    member: str = Field(..., description="昵称首字 + **")
    fulfilment: str = Field(..., description="pending | granted | to_ship | shipped")


class LotteryOut(Schema):
    id: int
    title: str
    campaign: str
    rules_text: str
    community_id: int | None
    eligibility: str
    min_streak: int
    product_id: int | None
    opens_at: datetime
    closes_at: datetime
    draw_at: datetime
    status: str
    state: str = Field(..., description="upcoming | open | closed（待开奖）| drawn | cancelled")
    seed_hash: str = Field(..., description="随机种子的 SHA-256，创建时公布")
    seed: str | None = Field(None, description="随机种子，开奖后公布")
    entries: int = Field(..., description="有效号码数（开奖后为开奖时的数目）")
    prizes: list[PrizeOut]
    my_numbers: list[EntryOut]
    winners: list[WinnerOut]
    data_url: str = Field(..., description="公开验证数据（JSON），用 verify.py 重新计算中奖号码")


class LotteryBriefOut(Schema):
    """A lottery in a list (its detail has the prizes, odds, my numbers and winners)."""

    id: int
    title: str
    campaign: str
    community_id: int | None
    eligibility: str
    status: str
    opens_at: datetime
    closes_at: datetime
    draw_at: datetime
    seed_hash: str


class PublishedOut(Schema):
    """The document `verify.py` reads."""

    lottery_id: int
    title: str
    algorithm: str
    status: str
    seed_hash: str
    seed: str | None
    opens_at: str
    closes_at: str
    draw_at: str
    drawn_at: str | None
    prizes: list[dict[str, object]]
    entries: list[int]
    entries_digest: str
    revoked: list[int]
    winners: list[dict[str, object]]
