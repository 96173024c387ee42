from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Field

from quanzi.core.schema import Schema
from quanzi.orders import rules


class AddressIn(Schema):
    name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    is_default: bool = False


class AddressOut(AddressIn):
    id: int


class CartItemIn(Schema):
    sku_id: int
    quantity: int = 1


class QuantityIn(Schema):
    quantity: int = Field(..., description="0 表示移出购物车")


class LineWaterfallOut(Schema):
    """One line of the price waterfall (all fen)."""

    sku_id: int
    product_id: int
    title: str
    spec: dict[str, str]
    quantity: int
    unit_list_fen: int
    list_fen: int
    member_discount_fen: int
    campaign_discount_fen: int
    coupon_discount_fen: int
    points_discount_fen: int
    shipping_fen: int
    goods_payable_fen: int
    payable_fen: int


class MerchantQuoteOut(Schema):
    merchant_id: int
    goods_fen: int
    discount_fen: int
    shipping_fen: int
    payable_fen: int
    lines: list[LineWaterfallOut]


class QuoteAdjustmentOut(Schema):
    """One discount the quote applied, by source (a coupon, a campaign, points, free shipping …)."""

    stage: str = Field(..., description="member | campaign | coupon | points | shipping")
    source: str = Field(..., description="来源，如 coupon:12、groupbuy:7")
    label: str
    amount_fen: int
    per_line: dict[int, int] = Field(..., description="每个 SKU 分摊的金额（sku_id → 分）；运费优惠按商家（per_merchant）")
    per_merchant: dict[int, int]


class QuoteOut(Schema):
    goods_fen: int
    discount_fen: int
    shipping_fen: int
    total_fen: int
    merchants: list[MerchantQuoteOut]
    adjustments: list[QuoteAdjustmentOut]

    @staticmethod
    def resolve_adjustments(obj: Any) -> list[Any]:
        return [a for a in obj.adjustments if a.amount_fen > 0]


class OrderOptionsIn(Schema):
    """What the buyer chose for the plug-ins of the price waterfall (coupons, points, a campaign or group)."""

    coupon_ids: list[int] = Field(default_factory=list, description="要使用的优惠券 ID")
    points: int = Field(0, ge=0, description="要抵扣的积分")
    campaign_id: int | None = Field(None, description="活动 ID（秒杀、限时购）")
    group_id: int | None = Field(None, description="要加入的拼团 ID（不传且带 campaign_id 则开团）")

    extra: dict[str, Any] = Field(default_factory=dict, description="其他插件的选项，原样交给插件")

    def as_options(self) -> dict[str, Any]:
        known = {k: v for k, v in self.model_dump(exclude={"extra"}).items() if v not in (None, [], 0)}
        return {**self.extra, **known}


class CartLineOut(Schema):
    sku_id: int
    product_id: int
    title: str
    spec: dict[str, str]
    quantity: int
    price_fen: int
    price_seen_fen: int

    @staticmethod
    def resolve_product_id(obj: Any) -> int:
        return int(obj.sku.product_id)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.sku.product.title)

    @staticmethod
    def resolve_spec(obj: Any) -> dict[str, str]:
        return dict(obj.sku.spec or {})

    @staticmethod
    def resolve_price_fen(obj: Any) -> int:
        return int(obj.sku.price_fen)


class CartOut(Schema):
    items: list[CartLineOut]
    unavailable: list[CartLineOut]
    quote: QuoteOut | None


class QuoteIn(Schema):
    items: list[CartItemIn] | None = Field(None, description="不传则按购物车计算")
    options: OrderOptionsIn | None = Field(None, description="优惠券、积分、活动等选项")


class CheckoutIn(Schema):
    address_id: int | None = None
    items: list[CartItemIn] | None = Field(None, description="不传则购买整个购物车")
    idempotency_key: str = Field(..., description="客户端生成的唯一键（8–64 字符）：同一内容重放返回第一次的结果，"
                                 "内容不同则 422 idempotency_key_reused")
    expected_total_fen: int | None = Field(None, description="客户端看到的应付合计；与当前价格不符时返回 price_changed")
    note: str = ""
    options: OrderOptionsIn | None = Field(None, description="优惠券、积分、活动等选项（与报价时相同）")


class LineAdjustmentOut(Schema):
    """What one source took off one order line (the price waterfall as placed)."""

    stage: str = Field(..., description="member | campaign | coupon | points | shipping")
    source: str = Field(..., description="来源，如 coupon:12、groupbuy:7")
    label: str
    amount_fen: int


class OrderLineOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    spec: dict[str, str]
    quantity: int
    unit_price_fen: int
    list_fen: int
    member_discount_fen: int
    campaign_discount_fen: int
    coupon_discount_fen: int
    points_discount_fen: int
    shipping_fen: int
    goods_payable_fen: int
    payable_fen: int
    refunded_fen: int
    cancelled_quantity: int  # units cancelled before shipment (refunded; the merchant ships the rest)
    return_exemption: str
    adjustments: list[LineAdjustmentOut] = Field(..., description="这一行的优惠明细，按价格瀑布的顺序（会员价、活动、每张券、积分、运费优惠）")

    @staticmethod
    def resolve_adjustments(obj: Any) -> list[Any]:
        return list(obj.adjustments.all())


class MerchantLineOut(OrderLineOut):
    commission_fen: int
    share_token: str
    post_id: int | None
    sharer_id: int | None
    kol_id: int | None
    community_id: int | None


class TrackingOut(Schema):
    happened_at: datetime
    location: str
    description: str

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(obj.display_text)  # ours in the reader's language, the merchant's as written


class ShipmentOut(Schema):
    carrier: str
    tracking_no: str
    created_at: datetime
    events: list[TrackingOut]

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.events.all())


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str = Field(..., description="说明，按请求的语言显示（买家、商家填写的文字原样显示）")
    created_at: datetime

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return str(obj.display_text)


class OrderOut(Schema):
    id: int
    number: str
    merchant_id: int
    merchant_name: str
    status: str = Field(..., description="当前状态（已计入超时规则）")
    goods_fen: int
    discount_fen: int
    shipping_fen: int
    payable_fen: int
    paid_fen: int
    refunded_fen: int
    expires_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return rules.effective_status(obj, timezone.now())

    @staticmethod
    def resolve_merchant_name(obj: Any) -> str:
        return str(obj.merchant.business_name)


class HoldOut(Schema):
    source: str
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return str(obj.display_text)


class OrderDetailOut(OrderOut):
    ship_name: str
    ship_phone: str
    ship_address: str
    note: str
    lines: list[OrderLineOut]
    shipment: ShipmentOut | None
    history: list[StatusChangeOut]
    holds: list[HoldOut] = Field(..., description="暂缓发货（如拼团未成团），解除后才能发货")

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_holds(obj: Any) -> list[Any]:
        held = getattr(obj, "active_holds", None)
        return list(held) if held is not None else list(obj.holds.filter(released_at__isnull=True))

    @staticmethod
    def resolve_shipment(obj: Any) -> Any:
        return getattr(obj, "shipment", None) if hasattr(obj, "shipment") else None

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return list(obj.status_changes.all())


class MerchantOrderOut(OrderDetailOut):
    buyer_id: int
    commission_fen: int
    lines: list[MerchantLineOut]  # type: ignore[assignment]


class CheckoutOut(Schema):
    id: int
    idempotency_key: str
    total_fen: int
    orders: list[OrderDetailOut]

    @staticmethod
    def resolve_orders(obj: Any) -> list[Any]:
        return list(obj.orders.select_related("merchant").prefetch_related("lines", "lines__adjustments",
                                                                             "status_changes")
                    .order_by("id"))


class ShipIn(Schema):
    carrier: str
    tracking_no: str


class TrackingIn(Schema):
    description: str
    location: str = ""


class CancelIn(Schema):
    reason: str = ""


class ShippingTemplateIn(Schema):
    mode: str = "piece"
    first_units: int = 1
    first_fee_fen: int = 0
    additional_units: int = 1
    additional_fee_fen: int = 0
    free_threshold_fen: int | None = None


class ShippingTemplateOut(ShippingTemplateIn):
    merchant_id: int
