from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema


class PaymentIn(Schema):
    order_id: int
    gateway: str = Field("sandbox", description="支付方式：sandbox（沙箱）、wechat（微信支付）、alipay（支付宝）")


class PaymentOut(Schema):
    payment_no: str
    order_id: int
    gateway: str
    amount_fen: int
    refunded_fen: int
    status: str
    pay_url: str = Field("", description="打开即可付款的地址（沙箱收银台、支付宝收银台或微信 code_url）")
    params: dict[str, Any] = Field(default_factory=dict, description="客户端 SDK 需要的参数")
    created_at: datetime
    paid_at: datetime | None

    @staticmethod
    def resolve_pay_url(obj: Any) -> str:
        return str((obj.client_data or {}).get("pay_url", "")) if obj.status == "created" else ""

    @staticmethod
    def resolve_params(obj: Any) -> dict[str, Any]:
        return dict((obj.client_data or {}).get("params", {})) if obj.status == "created" else {}


class RefundOut(Schema):
    refund_no: str
    payment_no: str
    order_id: int
    kind: str
    amount_fen: int
    reason: str
    status: str
    error_code: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_payment_no(obj: Any) -> str:
        return str(obj.payment.payment_no)

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return str(obj.display_reason)  # ours in the reader's language


class GatewayOut(Schema):
    name: str
    label: str


class CombinedIn(Schema):
    checkout_id: int = Field(..., description="结算单 ID（一次下单，按商家拆成多个订单）")
    gateway: str = Field("sandbox", description="支付方式：sandbox（沙箱）、wechat（微信支付）、alipay（支付宝）")
    kind: str = Field("", description="支付场景（jsapi、native、h5、wap、page、qr、sandbox）；空为该支付方式的默认")
    order_ids: list[int] | None = Field(None, description="只合并支付其中这些订单；不传则为该结算单所有待付款订单")


class CombinedShareOut(Schema):
    payment_no: str
    order_id: int
    amount_fen: int
    refunded_fen: int
    status: str


class CombinedOut(Schema):
    combined_no: str = Field(..., description="渠道看到的合单支付单号")
    checkout_id: int
    gateway: str
    kind: str
    amount_fen: int
    status: str
    pay_url: str = Field("", description="打开即可付款的地址（沙箱收银台、支付宝收银台或微信 code_url）")
    params: dict[str, Any] = Field(default_factory=dict, description="客户端 SDK 需要的参数")
    shares: list[CombinedShareOut] = Field(default_factory=list, description="每个订单的分账支付单")
    created_at: datetime
    paid_at: datetime | None

    @staticmethod
    def resolve_pay_url(obj: Any) -> str:
        return str((obj.client_data or {}).get("pay_url", "")) if obj.status == "created" else ""

    @staticmethod
    def resolve_params(obj: Any) -> dict[str, Any]:
        return dict((obj.client_data or {}).get("params", {})) if obj.status == "created" else {}

    @staticmethod
    def resolve_shares(obj: Any) -> list[Any]:
        return list(obj.children.order_by("order_id"))


class CashierOrderOut(Schema):
    order_id: int
    number: str
    merchant: str
    payable_fen: int
    status: str = Field(..., description="订单当前状态（超时未付显示为已取消）")


class CashierOptionOut(Schema):
    gateway: str
    kind: str
    label: str


class CashierOut(Schema):
    checkout_id: int
    amount_fen: int = Field(..., description="待付款订单的合计（分）")
    expires_at: datetime | None = Field(None, description="付款截止时间（待付款订单中最早的）")
    orders: list[CashierOrderOut]
    options: list[CashierOptionOut] = Field(..., description="可用的支付方式，推荐的在前（按客户端环境）")
    open_payment: CombinedOut | None = Field(None, description="最近一次合单支付（未支付时可继续付款）")
