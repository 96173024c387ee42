"""The demo's distribution part (issue 9): two promoters — the demo KOL and the demo member — each with friends
they invited, whose orders earned them commission: one order per friend completed weeks ago (its commission is
available now), one paid two days ago (still pending, inside the after-sales window). The KOL has asked to
withdraw part of what is available: one withdrawal waits in the operators' queue (/ops/withdrawals/); the member
had an earlier one approved and paid through the sandbox payout. Made through the services on the demo clock;
each order's moments are dispatched at the moment they happen (the commission hooks run once per moment)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.orders import services as orders
from quanzi.payments import services as payments
from quanzi.referrals.distribution import selectors as distribution_selectors
from quanzi.referrals.distribution import services as distribution
from quanzi.referrals.invites import selectors as invite_selectors
from quanzi.referrals.invites import services as invites
from quanzi.referrals.invites.enums import BindSource
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _address, _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.catalog.models import Sku
    from quanzi.web.demo.build import DemoWorld


def build_referrals_distribution(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop,
                                 now: dt.datetime, log: Callable[[str], None]) -> None:
    with transaction.atomic():
        _promoters(world, rng, named, shop, now)
    log(f"  promoters: {world.counts.get('promoter', 0)}, commission orders: "
        f"{world.counts.get('commission_order', 0)}, withdrawals: {world.counts.get('withdrawal', 0)}")


def _friends(world: DemoWorld, named: dict[str, User], shop: Shop, inviter: User, n: int) -> list[User]:
    """n members bound to `inviter`: the ones the invites demo bound first, then members never bound."""
    mine = [b.invitee for b in invite_selectors.invitees_of(inviter_id=inviter.pk)[:n]]
    merchant_users = {m.user_id for m in shop.merchants.values()}
    taken = {u.pk for u in named.values()} | merchant_users | {u.pk for u in mine}
    for u in world.users:
        if len(mine) >= n:
            break
        if u.pk in taken or u.is_staff or invite_selectors.ever_bound(user_id=u.pk):
            continue
        if _try(world, "invite_bind", invites.referral_bind, invitee=u, inviter_id=inviter.pk,
                source=BindSource.DEMO, at_signup=True) is not None:
            mine.append(u)
    return mine


def _order(world: DemoWorld, rng: random.Random, shop: Shop, buyer: User, sku: Sku, paid_at: dt.datetime,
           now: dt.datetime, *, complete: bool) -> None:
    with clock_at(paid_at):
        checkout = _try(world, "commission_order", orders.order_place, user=buyer,
                        address_id=_address(shop, rng, buyer), idempotency_key=uuid.uuid4().hex, items=[(sku.pk, 2)])
        if checkout is None:
            return
        order = checkout.orders.get()
        payments.sandbox_pay_now(user=buyer, order_id=order.pk)
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
    if not complete:
        return
    with clock_at(paid_at + dt.timedelta(days=1)):
        _try(world, "ship", orders.order_ship, user=order.merchant.user, order_id=order.pk, carrier="顺丰速运",
             tracking_no=f"SF{rng.randrange(10**12):012d}")
    with clock_at(paid_at + dt.timedelta(days=3)):
        _try(world, "confirm", orders.order_confirm_receipt, user=buyer, order_id=order.pk)
    with clock_at(now):
        orders.order_settle(order_id=order.pk)
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)


def _promoters(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime) -> None:
    # the dearer SKUs, so two of them earn a commission above the withdrawal minimum
    skus = sorted((s for ss in shop.skus.values() for s in ss), key=lambda s: -s.price_fen)[:6]
    if not skus:
        return
    operator = named["operator"]
    for role in ("kol", "member"):
        promoter = named[role]
        with clock_at(now - dt.timedelta(days=30)):
            row = distribution_selectors.promoter_get(user_id=promoter.pk)
            if row is None or row.source == "auto":  # applying is free; an "auto" row (everyone mode) is made formal
                _try(world, "promoter", distribution.promoter_apply, user=promoter)
        for friend in _friends(world, named, shop, promoter, 2):
            _order(world, rng, shop, friend, rng.choice(skus), now - dt.timedelta(days=rng.randint(16, 22)), now,
                   complete=True)
            _order(world, rng, shop, friend, rng.choice(skus), now - dt.timedelta(days=2, hours=rng.randint(0, 20)),
                   now, complete=False)
    conf = distribution_selectors.platform_settings()
    member = distribution_selectors.promoter_get(user_id=named["member"].pk)
    if member is not None and member.available_fen >= conf.withdraw_min_fen:
        with clock_at(now - dt.timedelta(days=5)):
            w = _try(world, "withdrawal", distribution.withdrawal_request, user=named["member"],
                     amount_fen=min(member.available_fen, conf.withdraw_max_fen) // 100 * 100)
        if w is not None:
            with clock_at(now - dt.timedelta(days=4)):
                _try(world, "withdrawal_paid", distribution.withdrawal_approve, operator=operator, withdrawal_id=w.pk)
    kol = distribution_selectors.promoter_get(user_id=named["kol"].pk)
    if kol is not None and kol.available_fen >= conf.withdraw_min_fen:
        amount = max(conf.withdraw_min_fen, min(kol.available_fen // 2, conf.withdraw_max_fen) // 100 * 100)
        with clock_at(now - dt.timedelta(hours=3)):
            _try(world, "withdrawal", distribution.withdrawal_request, user=named["kol"], amount_fen=amount)
