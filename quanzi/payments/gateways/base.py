"""The gateway interface every payment channel implements, and what it hands back.

A gateway knows its channel's wire format and nothing about orders: services call it to create a payment,
to verify a notification (signature first, then the fields), and to refund.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _

from quanzi.core.money import parse_yuan
from quanzi.payments.enums import NotifyStatus, RefundStatus
from quanzi.payments.errors import ErrorCode, rejected

if TYPE_CHECKING:
    from quanzi.payments.models import Payment, Refund


@dataclass(frozen=True)
class PaymentIntent:
    """What the client needs to pay: a URL to open (sandbox page, Alipay cashier, WeChat code_url) and/or
    parameters for an SDK on the client."""

    pay_url: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"pay_url": self.pay_url, "params": dict(self.params)}


@dataclass(frozen=True)
class VerifiedNotification:
    """A notification whose signature was checked. `notify_id` identifies the notification (redeliveries share
    it); `amount_fen` is what the gateway says was paid."""

    notify_id: str
    out_trade_no: str
    amount_fen: int
    gateway_txn_id: str
    status: NotifyStatus
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    status: RefundStatus  # SUCCEEDED, PROCESSING (the gateway will confirm later) or FAILED
    gateway_refund_id: str = ""
    error_code: str = ""
    error_message: str = ""


@dataclass(frozen=True)
class Ack:
    """The HTTP answer a gateway expects from our callback endpoint."""

    status: int
    body: str
    content_type: str


class Gateway(ABC):
    name: ClassVar[str]

    @abstractmethod
    def create_payment(self, payment: Payment) -> PaymentIntent: ...

    @abstractmethod
    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        """Return the verified notification or raise `CallbackRejected` with a clear code."""

    @abstractmethod
    def refund(self, refund: Refund) -> RefundResult: ...

    @abstractmethod
    def ack(self, ok: bool, code: str = "", message: str = "") -> Ack: ...


def header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive header lookup; also accepts Django's META style (HTTP_X_Y)."""
    wanted = name.lower()
    meta = "HTTP_" + name.upper().replace("-", "_")
    for key, value in headers.items():
        if key.lower() == wanted or key == meta:
            return str(value)
    return ""


def yuan_to_fen(text: str) -> int:
    """'12.3' -> 1230, exactly (`core.money.parse_yuan`); a gateway's malformed amount rejects the notification."""
    try:
        return parse_yuan(text)
    except ValueError as exc:
        raise rejected(ErrorCode.BAD_AMOUNT, _("通知中的金额格式无效")) from exc


def fen_to_yuan(amount_fen: int) -> str:
    """1230 -> '12.30' (the gateways' decimal string)."""
    if not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValueError("amount is non-negative int fen")
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"
