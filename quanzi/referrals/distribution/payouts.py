"""Paying a withdrawal out: a small adapter interface and its sandbox.

`PayoutGateway.transfer` sends `amount_fen` to a member, idempotent by the withdrawal's number (the channel's
out-batch number: a retry of the same number never pays twice). The sandbox confirms at once without money moving;
it is available only where the sandbox payment gateway is (`QUANZI_SANDBOX_PAYMENTS`: the demo and the tests).
The real channels — WeChat Pay 商家转账到零钱 and Alipay 单笔转账 — are a later payments issue: they will register
here with their keys, as the payment gateways do in `quanzi.payments`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class PayoutResult:
    ok: bool
    reference: str = ""
    message: str = ""


class PayoutGateway(Protocol):
    name: str

    def transfer(self, *, number: str, user_id: int, amount_fen: int) -> PayoutResult: ...


class SandboxPayout:
    """Confirms every transfer at once; the reference is derived from the number, so a retry answers the same."""

    name = "sandbox"

    def transfer(self, *, number: str, user_id: int, amount_fen: int) -> PayoutResult:
        if amount_fen <= 0:
            return PayoutResult(ok=False, message="amount must be positive")
        digest = hashlib.sha256(f"{number}:{user_id}:{amount_fen}".encode()).hexdigest()[:20]
        return PayoutResult(ok=True, reference=f"SBX{digest}")


GATEWAYS: dict[str, PayoutGateway] = {}


def register(gateway: PayoutGateway) -> None:
    GATEWAYS[gateway.name] = gateway


def active_gateway() -> PayoutGateway | None:
    """The channel withdrawals are paid through now: a registered real channel first, else the sandbox where it
    is allowed, else none (approving is then refused: `payout_unavailable`)."""
    real = [g for name, g in sorted(GATEWAYS.items()) if name != SandboxPayout.name]
    if real:
        return real[0]
    if getattr(settings, "QUANZI_SANDBOX_PAYMENTS", False):
        return GATEWAYS.setdefault(SandboxPayout.name, SandboxPayout())
    return None
