"""The gateway interface every payment channel implements, and what it hands back.

A gateway knows its channel's wire format and nothing about orders: services call it to create a payment,
to verify a notification (signature first, then the fields), and to refund.
"""

from __future__ import annotations

import datetime as dt
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
class RefundNotification:
    """A verified refund notification (WeChat Pay's REFUND.SUCCESS / ABNORMAL / CLOSED)."""

    notify_id: str
    out_refund_no: str
    out_trade_no: str
    gateway_refund_id: str
    amount_fen: int
    status: RefundStatus  # SUCCEEDED, FAILED, or PROCESSING (nothing final yet)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PayContext:
    """Where the buyer pays: the payment kind and what that kind needs (an openid for JSAPI and mini programs,
    the buyer's IP for H5), and when the provider must stop accepting the payment."""

    kind: str = ""
    openid: str = ""
    client_ip: str = ""
    expires_at: dt.datetime | None = None
    return_url: str = ""


@dataclass(frozen=True)
class BillRow:
    """One line of a provider's trade bill: a payment or a refund, by our number, with the amount in fen."""

    kind: str  # "payment" or "refund"
    ref: str  # our payment_no (out_trade_no) or refund_no (out_refund_no)
    amount_fen: int
    gateway_txn_id: str = ""


@dataclass(frozen=True)
class Ack:
    """The HTTP answer a gateway expects from our callback endpoint."""

    status: int
    body: str
    content_type: str


class Gateway(ABC):
    name: ClassVar[str]

    @abstractmethod
    def create_payment(self, payment: Payment, context: PayContext | None = None) -> PaymentIntent: ...

    @abstractmethod
    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        """Return the verified notification or raise `CallbackRejected` with a clear code."""

    @abstractmethod
    def refund(self, refund: Refund) -> RefundResult: ...

    @abstractmethod
    def ack(self, ok: bool, code: str = "", message: str = "") -> Ack: ...

    # -- live operations: defaults for a gateway without them (the sandbox) ----------------------------------------
    kinds: ClassVar[tuple[str, ...]] = ()

    def appid_for(self, kind: str) -> str:
        """The WeChat appid a JSAPI / mini-program payment of this gateway is made under ("" when none)."""
        return ""

    def close(self, payment: Payment) -> bool:
        """Close the provider's trade so it can no longer be paid. True when closed (or already closed / never
        created there); False when the provider refused (e.g. already paid: the query job books it)."""
        return True

    def query(self, payment: Payment) -> VerifiedNotification | None:
        """Ask the provider about a trade (a lost notification). A `VerifiedNotification` (its notify_id is
        `query:<txn>:<state>`, so asking twice books once) for a paid or closed trade, None while still open."""
        return None

    def refund_query(self, refund: Refund) -> RefundResult:
        """Ask the provider how a refund stands. The default submits it again under the same refund number, which
        the providers treat as the idempotency key (the sandbox)."""
        return self.refund(refund)

    def verify_refund_callback(self, headers: Mapping[str, str], body: bytes) -> RefundNotification:
        raise rejected(ErrorCode.BAD_BODY, _("该支付方式没有退款通知"))

    def bill(self, day: dt.date) -> list[BillRow] | None:
        """The provider's trade bill of a day (payments and refunds), or None when it has no bills (the sandbox)."""
        return None


@dataclass(frozen=True)
class Trade:
    """The provider's trade a payment belongs to: what a refund is made against."""

    out_trade_no: str
    amount_fen: int
    gateway_txn_id: str


def trade_of(payment: Payment) -> Trade:
    """A payment's own trade, or for an order's share of a combined trade (合单支付) the combined one: the provider
    knows only the combined number and total, so a refund of one order goes against it (never for more than the
    order's share, which the payment's own `refunded_fen` guards)."""
    combined = payment.combined
    if combined is not None:
        return Trade(combined.combined_no, combined.amount_fen, combined.gateway_txn_id or "")
    return Trade(payment.payment_no, payment.amount_fen, payment.gateway_txn_id or "")


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
