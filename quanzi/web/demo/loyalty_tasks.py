"""The demo's task centre, check-in rewards and badges (issue 9), made through the services on the demo clock.

The tasks, the platform's check-in reward table and the badges are seeded by the app's migration; the demo's
earlier steps (joins, posts, check-ins, paid orders) already fed the tasks through the hooks, so members have
progress, check-in rewards and streak badges. Here: the 7th day of the platform table also pays a coupon, and the
demo member has a fresh 6-day streak in a community (so checking in today earns the day-7 reward: 30 points and
the coupon) and has claimed the "join a community" task."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from quanzi.communities import services as communities
from quanzi.content import services as content
from quanzi.growth.coupons import services as coupons
from quanzi.growth.coupons.enums import ClaimMode, CouponKind, CouponScope
from quanzi.loyalty.tasks import selectors as task_selectors
from quanzi.loyalty.tasks import services as tasks
from quanzi.loyalty.tasks.enums import TaskState
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld
    from quanzi.web.demo.commerce import Shop


def build_loyalty_tasks(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
                        log: Callable[[str], None]) -> None:
    member, operator = named["member"], named["operator"]
    with clock_at(now - dt.timedelta(days=8)):
        coupon = coupons.template_create(actor=operator, name="连续打卡 7 天礼券", kind=CouponKind.AMOUNT_OFF,
                                         amount_fen=500, threshold_fen=3000, scope=CouponScope.PLATFORM,
                                         claim_mode=ClaimMode.GRANT, per_member_limit=50, valid_days=14)
        tasks.checkin_step_set(rule_id=None, day=7, kind="coupon", amount=coupon.pk)

    # a new community the owner opens a week ago; the member joins and checks in on each of the last 6 days
    with clock_at(now - dt.timedelta(days=7, hours=1)):
        streak_home = communities.community_create(owner=named["owner"], name="早起打卡团", slug="early-birds",
                                                   vertical="fitness", tags=["早起", "打卡"],
                                                   positioning="每天早起打卡，连续打卡有积分和优惠券")
    with clock_at(now - dt.timedelta(days=7)):
        _try(world, "task_demo_join", communities.community_join, user=member, community=streak_home)
    world.communities.append(streak_home)
    world.members[streak_home.pk] = [named["owner"], member]
    for days_ago in range(6, 0, -1):
        with clock_at(now - dt.timedelta(days=days_ago)):
            _try(world, "task_demo_checkin", content.checkin, user=member, community=streak_home,
                 note=rng.choice(["早起打卡", "今天也坚持了", "六点起床跑步"]))

    board = task_selectors.task_board(user=member)
    for views in board.values():
        for v in views:
            if v.task.code == "join_community" and v.state == TaskState.CLAIMABLE:
                _try(world, "task_claim", tasks.task_claim, user=member, task_id=v.task.pk)
    claimable = sum(1 for views in task_selectors.task_board(user=member).values() for v in views
                    if v.state == TaskState.CLAIMABLE)
    log(f"  tasks: member has {claimable} to claim; streak community: "
        f"{streak_home.name} (/tasks/checkin/{streak_home.pk}/); check-in rewards paid: {task_selectors.checkin_rewards_count()}")
