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
