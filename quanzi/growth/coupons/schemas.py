from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Field

from quanzi.core.schema import Schema
from quanzi.growth.coupons import display
from quanzi.growth.coupons.enums import ClaimMode, CouponScope, RefundPolicy
from quanzi.growth.coupons.rules import coupon_state
from quanzi.orders.schemas import CartItemIn, OrderOptionsIn


class TemplateOut(Schema):
    """A coupon as members see it before claiming."""

    id: int
    name: str
    kind: str = Field(..., description="amount_off 满减 | no_threshold 无门槛 | percent_off 折扣 | free_shipping 免运费")
    amount_fen: int = Field(..., description="面额；折扣券、免运费券为封顶（0 不封顶）")
    discount_rate: str = Field(..., description="折扣券减去的比例，0.15 即八五折")
    threshold_fen: int
    scope: str
    merchant_id: int | None = Field(..., description="发券商家；空为平台券")
    community_id: int | None
    category_id: int | None
    claim_mode: str
    status: str
    total_quota: int | None
    claimed_count: int
    remaining: int | None = Field(..., description="剩余可领；空为不限量")
    per_member_limit: int
    viewer_claimed: int = Field(0, description="当前会员已领张数")
    claim_starts_at: datetime
    claim_ends_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    valid_days: int | None
    value_text: str
    condition_text: str
    scope_text: str
    validity_text: str

    @staticmethod
    def resolve_discount_rate(obj: Any) -> str:
        return str(obj.discount_rate)

    @staticmethod
    def resolve_viewer_claimed(obj: Any) -> int:
        return int(getattr(obj, "viewer_claimed", 0) or 0)

    @staticmethod
    def resolve_value_text(obj: Any) -> str:
        return display.value_text(obj)

    @staticmethod
    def resolve_condition_text(obj: Any) -> str:
        return display.condition_text(obj)

    @staticmethod
    def resolve_scope_text(obj: Any) -> str:
        return display.scope_text(obj)

    @staticmethod
    def resolve_validity_text(obj: Any) -> str:
        return display.validity_text(obj)


class ManagedTemplateOut(TemplateOut):
    used_count: int
    order_count: int = Field(0, description="用券的订单数（未退回）")
    discount_total_fen: int = Field(0, description="优惠金额合计（未退回）")
    refund_policy: str

    @staticmethod
    def resolve_order_count(obj: Any) -> int:
        return int(getattr(obj, "order_count", 0) or 0)

    @staticmethod
    def resolve_discount_total_fen(obj: Any) -> int:
        return int(getattr(obj, "discount_total_fen", 0) or 0)


class CouponOut(Schema):
    """A coupon a member holds."""

    id: int
    state: str = Field(..., description="usable 可使用 | not_yet_valid 未生效 | used 已使用 | expired 已过期")
    source: str
    valid_from: datetime
    valid_until: datetime
    claimed_at: datetime
    used_at: datetime | None
    template: TemplateOut

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(coupon_state(obj, timezone.now()))


class UsableIn(Schema):
    items: list[CartItemIn] | None = Field(None, description="不传则按购物车计算")
    options: OrderOptionsIn | None = Field(None, description="其他选项（活动等）；coupon_ids 中的券也会给出能否使用")


class CouponOptionOut(Schema):
    coupon: CouponOut
    usable: bool
    code: str = Field(..., description="不可用的原因代码（可用时为空）")
    reason: str
    saving_fen: int = Field(..., description="单独使用时预计优惠")
    group: str = Field(..., description="叠加分组：platform，或店铺 m<商家ID>；每组最多选一张")

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return "platform" if obj.is_platform else f"m{obj.merchant_id}"


class AdviceOut(Schema):
    usable: list[CouponOptionOut]
    unusable: list[CouponOptionOut]
    best_coupon_ids: list[int] = Field(..., description="推荐组合（总价最低）")
    best_saving_fen: int
    total_without_fen: int
    best_total_fen: int
    explanation: str

    @staticmethod
    def resolve_best_coupon_ids(obj: Any) -> list[int]:
        return list(obj.best_ids)


class TemplateIn(Schema):
    name: str
    kind: str
    amount_fen: int = 0
    discount_rate: str = Field("0", description="折扣券减去的比例（0.01–0.99）")
    threshold_fen: int = 0
    scope: str = CouponScope.PLATFORM
    merchant_id: int | None = Field(None, description="运营可指定任一商家；商家只能为自己发券（可不填）")
    community_id: int | None = None
    category_id: int | None = None
    product_ids: list[int] = Field(default_factory=list)
    claim_mode: str = ClaimMode.PUBLIC
    total_quota: int | None = None
    per_member_limit: int = 1
    claim_starts_at: datetime | None = None
    claim_ends_at: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days: int | None = None
    refund_policy: str = RefundPolicy.RETURN_ON_FULL_REFUND


class StatusIn(Schema):
    status: str = Field(..., description="active 恢复 | paused 暂停 | ended 结束")


class GrantIn(Schema):
    members: list[str] = Field(..., description="手机号或用户 ID，最多 1000 个")
    batch_key: str = Field(..., description="发放批次号（8–48 位）；同一批次重复提交不会重复发放")


class GrantSkipOut(Schema):
    member: str
    reason: str


class GrantOut(Schema):
    granted: list[int]
    skipped: list[GrantSkipOut]

    @staticmethod
    def resolve_skipped(obj: Any) -> list[dict[str, str]]:
        return [{"member": who, "reason": why} for who, why in obj.skipped]


class RedemptionOut(Schema):
    id: int
    coupon_id: int
    template_id: int
    template_name: str
    member_id: int
    order_id: int
    order_number: str
    checkout_id: int
    amount_fen: int
    status: str
    void_reason: str
    created_at: datetime
    voided_at: datetime | None

    @staticmethod
    def resolve_template_id(obj: Any) -> int:
        return int(obj.coupon.template_id)

    @staticmethod
    def resolve_template_name(obj: Any) -> str:
        return str(obj.coupon.template.name)

    @staticmethod
    def resolve_member_id(obj: Any) -> int:
        return int(obj.coupon.user_id)

    @staticmethod
    def resolve_order_number(obj: Any) -> str:
        return str(obj.order.number)
