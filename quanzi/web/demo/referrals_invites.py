"""The demo's invites part (issue 9): invite codes for the named demo users, members who signed up through their
links (bound a few weeks ago), first orders of some of them — completed (the inviter's reward and the new-member
gift paid), only paid (waiting for the after-sales window), and one refunded in full (void) — so the invite page,
the flags in the back office and the communities' leaderboards have something to show. Made through the services
on the demo clock; each order's moments are dispatched at the moment they happen."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.orders import selectors as order_selectors
from quanzi.orders import services as orders
from quanzi.payments import services as payments
from quanzi.referrals.invites import services as invites
from quanzi.referrals.invites.enums import BindSource
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _address, _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld


def build_referrals_invites(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop,
                            now: dt.datetime, log: Callable[[str], None]) -> None:
    with transaction.atomic():
        for role in ("member", "owner", "kol"):
            invites.invite_code_ensure(user=named[role])
        _bindings_and_first_orders(world, rng, named, shop, now)
    log(f"  invite bindings: {world.counts.get('invite_bind', 0)}, "
        f"first orders: {world.counts.get('invite_first_order', 0)}")


def _fresh(world: DemoWorld, named: dict[str, User], shop: Shop) -> list[User]:
    """Members with no inviter and no paid order yet: the ones an invitation could have brought."""
    merchant_users = {m.user_id for m in shop.merchants.values()}
    taken = {u.pk for u in named.values()} | merchant_users
    out = []
    for u in world.users:
        if u.pk in taken or u.is_staff:
            continue
        if order_selectors.order_list_for_buyer(user=u).filter(paid_at__isnull=False).exists():
            continue
        out.append(u)
    return out


def _bindings_and_first_orders(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop,
                               now: dt.datetime) -> None:
    fresh = _fresh(world, named, shop)
    rng.shuffle(fresh)
    # who invited whom: the KOL brings the most paying friends, the owner many sign-ups but fewer first orders
    plan = [("kol", 5, 3), ("owner", 6, 2), ("member", 3, 2)]
    communities = {role: next((c for c in world.communities if named[role] in world.members.get(c.pk, [])), None)
                   for role, _n, _p in plan}
    refunded_one = False
    for role, signups, buyers in plan:
        inviter = named[role]
        community = communities[role]
        for i in range(signups):
            if not fresh:
                return
            invitee = fresh.pop()
            when = now - dt.timedelta(days=rng.randint(18, 26), hours=rng.randint(0, 12))
            with clock_at(when):
                binding = _try(world, "invite_bind", invites.referral_bind, invitee=invitee, inviter_id=inviter.pk,
                               source=BindSource.LINK, community_id=community.pk if community else None,
                               ip=f"203.0.113.{rng.randint(2, 250)}", device=uuid.uuid4().hex[:16],
                               at_signup=True)
            if binding is None or i >= buyers:
                continue
            complete = i < buyers - 1 or role == "kol"
            refund = not complete and not refunded_one
            refunded_one = refunded_one or refund
            _first_order(world, rng, shop, invitee, when, now, complete=complete, refund=refund)


def _first_order(world: DemoWorld, rng: random.Random, shop: Shop, buyer: User, bound_at: dt.datetime,
                 now: dt.datetime, *, complete: bool, refund: bool) -> None:
    product = rng.choice(shop.products)
    sku = shop.skus[product.pk][0]
    paid_at = bound_at + dt.timedelta(days=1)
    if not complete:
        paid_at = now - dt.timedelta(days=2)
    with clock_at(paid_at):
        checkout = _try(world, "invite_order", orders.order_place, user=buyer, address_id=_address(shop, rng, buyer),
                        idempotency_key=uuid.uuid4().hex, items=[(sku.pk, 1)])
        if checkout is None:
            return
        order = checkout.orders.get()
        payments.sandbox_pay_now(user=buyer, order_id=order.pk)
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
    world.counts["invite_first_order"] = world.counts.get("invite_first_order", 0) + 1
    if refund:
        with clock_at(paid_at + dt.timedelta(hours=5)):
            booked = _try(world, "invite_refund", payments.refund_create, order_id=order.pk,
                          amount_fen=order.payable_fen, refund_no=f"INV-{order.pk}", reason="不想要了")
            if booked is not None:  # the sandbox confirms at once; the job would submit it in a running demo
                payments.refund_submit(refund_id=booked.pk)
            orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
        return
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
