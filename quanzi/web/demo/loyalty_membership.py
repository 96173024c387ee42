"""The demo's levels and paid membership (issue 9): the seeded level table (a data migration) gets monthly coupons
for 金卡 and 钻石; a few members reach different levels (their completed demo orders already earned growth; activity
grants top them up, as tasks and check-ins would); the demo member buys 圈子PLUS 年卡 ten days ago through the
normal order and sandbox payment and later renews with a 月卡 (stacked after the year); the KOL takes the free
trial; this month's level coupons go out. Everything through the membership, coupon and payment services on the
demo clock."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.growth.coupons import services as coupons
from quanzi.growth.coupons.enums import ClaimMode, CouponKind
from quanzi.loyalty.membership import selectors as membership_selectors
from quanzi.loyalty.membership import services as membership
from quanzi.orders import services as orders
from quanzi.payments import services as payments
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld

# growth targets: who ends where (activity grants make up what their orders did not earn)
TARGETS = [("member", 6200), ("kol", 21000), ("owner", 1300)]


def build_loyalty_membership(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop,
                             now: dt.datetime, log: Callable[[str], None]) -> None:
    with transaction.atomic():
        _level_coupons(world, named, now)
        _levels(world, rng, named, now)
    _paid(world, named, now)
    with transaction.atomic(), clock_at(now):
        done, failed = membership.level_monthly_coupons_grant()
    log(f"  levels: {world.counts.get('growth_grant', 0)} growth grants, paid periods: "
        f"{world.counts.get('membership_period', 0)}, level coupons: {done} ({failed} refused)")


def _level_coupons(world: DemoWorld, named: dict[str, User], now: dt.datetime) -> None:
    operator = named["operator"]
    with clock_at(now - dt.timedelta(days=20)):
        t = _try(world, "coupon_template", coupons.template_create, actor=operator, name="金卡月礼 满 99 减 10",
                 kind=CouponKind.AMOUNT_OFF, amount_fen=1000, threshold_fen=9900, claim_mode=ClaimMode.GRANT,
                 total_quota=5000, per_member_limit=24, valid_days=30)
        d = _try(world, "coupon_template", coupons.template_create, actor=operator, name="钻石月礼 20 元无门槛",
                 kind=CouponKind.NO_THRESHOLD, amount_fen=2000, claim_mode=ClaimMode.GRANT, total_quota=2000,
                 per_member_limit=24, valid_days=30)
    by_name = {lv.name: lv for lv in membership_selectors.levels()}
    if t is not None and "金卡" in by_name:
        membership.level_set_monthly_coupons(operator=operator, level_id=by_name["金卡"].id, template_ids=[t.pk])
    if t is not None and d is not None and "钻石" in by_name:
        membership.level_set_monthly_coupons(operator=operator, level_id=by_name["钻石"].id,
                                             template_ids=[t.pk, d.pk])


def _levels(world: DemoWorld, rng: random.Random, named: dict[str, User], now: dt.datetime) -> None:
    targets = [(named[role], growth) for role, growth in TARGETS if role in named]
    others = [u for u in world.users if not u.is_staff and u not in {t[0] for t in targets}]
    targets += [(u, rng.choice([300, 1100, 2400, 5600])) for u in rng.sample(others, k=min(8, len(others)))]
    for i, (user, target) in enumerate(targets):
        have = membership_selectors.growth_of(user_id=user.pk)
        # in a few steps over the last weeks, as tasks and check-in streaks would pay it
        left, step = target - have, 0
        while left > 0:
            amount = min(left, rng.choice([200, 500, 800, 1500]) if left > 200 else left)
            with clock_at(now - dt.timedelta(days=25 - 3 * step, hours=i)):
                _try(world, "growth_grant", membership.growth_grant, user_id=user.pk, amount=amount,
                     key=f"demo:activity:{user.pk}:{step}", reason="任务奖励")
            left -= amount
            step += 1


def _pay_plan(world: DemoWorld, user: User, code: str, when: dt.datetime) -> None:
    plan = next((p for p in membership_selectors.plans_for_sale() if p.code == code), None)
    if plan is None:
        return
    with transaction.atomic(), clock_at(when):
        checkout = _try(world, "membership_buy", membership.plan_buy, user=user, plan_id=plan.pk,
                        idempotency_key=uuid.uuid4().hex)
        if checkout is None:
            return
        order = checkout.orders.get()
        payments.sandbox_pay_now(user=user, order_id=order.pk)
    with clock_at(when):  # the paid moment's hooks (the period starts) at the demo clock, as after commit
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
    world.counts["membership_period"] = world.counts.get("membership_period", 0) + 1


def _paid(world: DemoWorld, named: dict[str, User], now: dt.datetime) -> None:
    member = named["member"]
    _pay_plan(world, member, "plus-yearly", now - dt.timedelta(days=10))
    _pay_plan(world, member, "plus-monthly", now - dt.timedelta(days=2))  # a renewal: starts when the year ends
    trial = next((p for p in membership_selectors.plans_for_sale() if p.kind == "trial"), None)
    if trial is not None and "kol" in named:
        with transaction.atomic(), clock_at(now - dt.timedelta(days=3)):
            if _try(world, "membership_trial", membership.trial_start, user=named["kol"], plan_id=trial.pk):
                world.counts["membership_period"] = world.counts.get("membership_period", 0) + 1
