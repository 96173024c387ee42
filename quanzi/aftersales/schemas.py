from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema


class LineIn(Schema):
    order_line_id: int
    quantity: int = Field(..., ge=1, le=999)


class RequestIn(Schema):
    order_id: int
    kind: str = Field(..., description="refund_only 仅退款 / return_and_refund 退货退款")
    reason: str = Field(..., description="no_reason / quality / damaged / wrong_item / not_as_described / "
                                         "not_received")
    reason_text: str = ""
    lines: list[LineIn]
    amount_fen: int = Field(..., description="申请退款金额（分），不超过所选商品的可退金额")


class RejectIn(Schema):
    reason: str


class ReturnShipIn(Schema):
    carrier: str
    tracking_no: str


class RequestLineOut(Schema):
    order_line_id: int
    title: str
    quantity: int
    amount_fen: int

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.order_line.title)


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_note(obj: Any) -> str:
        return str(obj.display_text)  # ours in the reader's language, a merchant's reason as typed


class RequestOut(Schema):
    id: int
    number: str
    order_id: int
    merchant_id: int
    kind: str
    reason: str
    reason_text: str
    amount_fen: int
    status: str
    status_label: str
    reject_reason: str
    return_carrier: str
    return_tracking_no: str
    return_deadline: datetime | None
    refund_no: str
    created_at: datetime
    refunded_at: datetime | None
    lines: list[RequestLineOut]
    photos: list[str]
    history: list[StatusChangeOut]

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_photos(obj: Any) -> list[str]:
        return [p.image.url for p in obj.photos.all()]

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return list(obj.status_changes.all())


class RefundableLineOut(Schema):
    order_line_id: int
    title: str
    quantity: int
    units_left: int
    refundable_fen: int
    has_open_request: bool
    return_exemption: str


class ReviewIn(Schema):
    order_line_id: int
    rating: int = Field(..., description="1–5")
    text: str = ""


class FoldIn(Schema):
    reason: str = ""


class ReviewOut(Schema):
    id: int
    product_id: int
    order_line_id: int
    rating: int
    text: str
    spec_text: str
    status: str
    fold_reason: str
    author: str
    photos: list[str]
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.buyer.nickname)

    @staticmethod
    def resolve_fold_reason(obj: Any) -> str:
        return str(obj.display_fold_reason)

    @staticmethod
    def resolve_photos(obj: Any) -> list[str]:
        return [p.image.url for p in obj.photos.all()]

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return "" if obj.status == "folded" else str(obj.text)


class RatingOut(Schema):
    count: int
    folded_count: int
    average: Decimal | None = Field(None, description="一位小数（Decimal），无评价时为 null")
    average_tenths: int | None = Field(None, description="平均分 × 10 的整数")
    distribution: dict[int, int]
