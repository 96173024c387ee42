"""Helpers for the distribution tests: members bound into invite chains through the invites service, line facts
for the ledger services, real orders placed and paid through the orders and payments services."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from conftest import make_user
from quanzi.referrals.distribution import services
from quanzi.referrals.distribution.rules import LineFacts
from quanzi.referrals.invites.services import referral_bind

_ids = itertools.count(1_000_000)


def chain(n: int) -> list[Any]:
    """n members, each invited by the one before: [top, ..., bottom]."""
    people = [make_user(f"链{i}") for i in range(n)]
    for inviter, invitee in itertools.pairwise(people):
        referral_bind(invitee=invitee, inviter_id=inviter.pk, source="link", at_signup=True)
    return people


def bind(invitee: Any, inviter: Any) -> None:
    referral_bind(invitee=invitee, inviter_id=inviter.pk, source="link", at_signup=True)


def line(goods_fen: int, *, payable_fen: int | None = None, product_id: int = 0, sharer_id: int | None = None,
         kol_id: int | None = None, community_id: int | None = None) -> LineFacts:
    """A synthetic order line (the ledger keeps order and line ids as numbers: no order row is needed)."""
    return LineFacts(line_id=next(_ids), product_id=product_id, goods_payable_fen=goods_fen,
                     payable_fen=goods_fen if payable_fen is None else payable_fen, sharer_id=sharer_id,
                     kol_id=kol_id, community_id=community_id)


def order_id() -> int:
    return next(_ids)


def settings(operator: Any, **values: Any) -> None:
    values = {k: Decimal(v) if k.endswith("_rate") and isinstance(v, str) else v for k, v in values.items()}
    services.settings_update(operator=operator, **values)
