"""Input and output schemas of /api/v1/growth/flashsale."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema


class _FlashItemFields(Schema):
    """What the buyer's item and the merchant's item figures both read from the flash item (`obj.item`)."""

    @staticmethod
    def resolve_sku_id(obj: Any) -> int:
        return int(obj.item.sku_id)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.item.sku.product.title)

    @staticmethod
    def resolve_flash_price_fen(obj: Any) -> int:
        return int(obj.item.flash_price_fen)

    @staticmethod
    def resolve_allotment(obj: Any) -> int:
        return int(obj.item.allotment)


class ItemOut(_FlashItemFields):
    id: int
    sku_id: int
    product_id: int
    title: str
    spec: dict[str, str]
    price_fen: int = Field(..., description="原价")
    flash_price_fen: int
    allotment: int
    remaining: int
    per_member_limit: int
    state: str = Field(..., description="upcoming | live | sold_out | paused | ended")

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.item.pk)

    @staticmethod
    def resolve_product_id(obj: Any) -> int:
        return int(obj.item.sku.product_id)

    @staticmethod
    def resolve_spec(obj: Any) -> dict[str, str]:
        return dict(obj.item.sku.spec or {})

    @staticmethod
    def resolve_price_fen(obj: Any) -> int:
        return int(obj.item.sku.price_fen)

    @staticmethod
    def resolve_per_member_limit(obj: Any) -> int:
        return int(obj.item.per_member_limit)


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    pay_minutes: int
    phase: str = Field(..., description="upcoming | live | paused | ended")
    items: list[ItemOut]

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.session.pk)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.session.title)

    @staticmethod
    def resolve_starts_at(obj: Any) -> dt.datetime:
        return obj.session.starts_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_ends_at(obj: Any) -> dt.datetime:
        return obj.session.ends_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_pay_minutes(obj: Any) -> int:
        return int(obj.session.pay_minutes)


class BuyIn(Schema):
    address_id: int | None = None
    idempotency_key: str = Field(..., description="客户端生成的唯一键（8–64 字符），重放返回第一次的结果")
    quantity: int = Field(1, description="购买数量（不超过每人限购）")


class TicketOut(Schema):
    """A winner's place in the order queue (with Redis gating the sale): poll `GET /tickets/{id}` (about once a
    second) until `status` is `placed` (then `checkout_id` / `order_id` name the order to pay) or `failed`
    (`error_code` / `error_message` say why; the unit went back)."""

    id: int
    item_id: int
    quantity: int
    status: str = Field(..., description="queued 排队中 / placing 下单中 / placed 已下单 / failed 未成功")
    checkout_id: int | None = None
    order_id: int | None = None
    error_code: str = ""
    error_message: str = ""
    created_at: dt.datetime
    done_at: dt.datetime | None = None

    @staticmethod
    def resolve_order_id(obj: Any) -> int | None:
        if obj.checkout_id is None:
            return None
        first = obj.checkout.orders.order_by("id").values_list("pk", flat=True).first()
        return int(first) if first is not None else None


class SessionIn(Schema):
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    pay_minutes: int | None = Field(None, description="支付时限（分钟），默认 5")
    merchant_id: int | None = Field(None, description="运营为某商家建场次时填写；商家建场次时忽略")


class ItemIn(Schema):
    sku_id: int
    flash_price_fen: int
    allotment: int
    per_member_limit: int = 1
    sort: int = 0


class ReasonIn(Schema):
    reason: str = ""


class ItemStatsOut(_FlashItemFields):
    item_id: int
    sku_id: int
    title: str
    flash_price_fen: int
    allotment: int
    reserved: int = Field(..., description="被订单占用的件数（待支付 + 已支付）")
    units_reserved: int = Field(..., description="待支付")
    units_paid: int
    units_released: int
    units_refunded: int
    gmv_fen: int
    refunded_fen: int

    @staticmethod
    def resolve_item_id(obj: Any) -> int:
        return int(obj.item.pk)

    @staticmethod
    def resolve_reserved(obj: Any) -> int:
        return int(obj.item.reserved)


class SessionStatsOut(Schema):
    id: int
    title: str
    merchant_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    phase: str
    allotment: int
    units_paid: int
    gmv_fen: int
    refunded_fen: int
    items: list[ItemStatsOut]

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.session.pk)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.session.title)

    @staticmethod
    def resolve_merchant_id(obj: Any) -> int | None:
        return obj.session.merchant_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_starts_at(obj: Any) -> dt.datetime:
        return obj.session.starts_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_ends_at(obj: Any) -> dt.datetime:
        return obj.session.ends_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.session.status)
