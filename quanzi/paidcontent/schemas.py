from __future__ import annotations

from datetime import datetime

from ninja import Field

from quanzi.core.schema import Schema


class PaidPostIn(Schema):
    community_id: int
    title: str = Field("", max_length=120)
    text: str = Field(..., max_length=60000, description="全文；单独一行 `---付费---` 以上为免费预览，"
                                                         "没有这一行时前 free_chars 个字免费")
    price_fen: int = Field(..., description="价格（分），1–1000000")
    free_chars: int | None = Field(None, description="没有分隔行时免费预览的字数（默认 120）")


class CourseIn(Schema):
    community_id: int
    title: str = Field(..., max_length=80)
    summary: str = Field("", max_length=2000)
    price_fen: int


class LessonIn(Schema):
    title: str = Field(..., max_length=80)
    body: str = Field("", max_length=50000)
    video_url: str = Field("", max_length=200, description="https:// 视频链接")
    is_trial: bool = False


class ColumnIn(Schema):
    community_id: int
    title: str = Field(..., max_length=80)
    summary: str = Field("", max_length=2000)
    month_price_fen: int = Field(0, description="月付价格（分），0 不提供")
    year_price_fen: int = Field(0, description="年付价格（分），0 不提供")


class ArticleIn(Schema):
    title: str = Field(..., max_length=80)
    body: str = Field(..., max_length=50000)


class BuyIn(Schema):
    idempotency_key: str = Field(..., min_length=8, max_length=64)
    period: str = Field("", description="专栏：month 月付 | year 年付；其他留空")


class BuyOut(Schema):
    purchase_id: int
    order_id: int
    payable_fen: int
    pay_url: str = Field(..., description="订单页（收银台）")


class PaidPostOut(Schema):
    post_id: int
    title: str
    preview: str
    price_fen: int
    author_id: int
    unlocked: bool


class PaidBodyOut(Schema):
    post_id: int
    body: str


class LessonBrief(Schema):
    id: int
    position: int
    title: str
    is_trial: bool
    read: bool


class ProgressOut(Schema):
    read: int
    total: int


class CourseOut(Schema):
    id: int
    title: str
    summary: str
    price_fen: int
    author_id: int
    community_id: int
    unlocked: bool
    progress: ProgressOut
    lessons: list[LessonBrief]


class LessonOut(Schema):
    id: int
    course_id: int
    position: int
    title: str
    body: str
    video_url: str
    is_trial: bool
    images: list[str]


class ArticleBrief(Schema):
    id: int
    title: str
    created_at: datetime


class ColumnOut(Schema):
    id: int
    title: str
    summary: str
    month_price_fen: int
    year_price_fen: int
    author_id: int
    community_id: int
    unlocked: bool
    until: datetime | None = Field(None, description="订阅有效期至（续订从这里顺延）")
    articles: list[ArticleBrief]


class ArticleOut(Schema):
    id: int
    column_id: int
    title: str
    body: str
    created_at: datetime


class CreatedOut(Schema):
    id: int


class PurchaseOut(Schema):
    id: int
    kind: str
    item_id: int
    title: str
    period: str
    status: str = Field(..., description="pending 待付款 | paid 已购买 | refunded 已退款")
    order_id: int
    price_fen: int
    created_at: datetime
