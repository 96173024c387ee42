"""On PostgreSQL, with real commits: the same check-in reward requested 20 times at once is paid once (one
`CheckinReward` row, one coupon), and the same task claimed 20 times at once is paid once (one `TaskClaim`, one
coupon). The unique keys decide: the losers wait on the unique index and get the clear codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from quanzi.accounts.models import User
from quanzi.catalog.tests import factories as f
from quanzi.communities.services import community_join
from quanzi.content import services as content_services
from quanzi.core.testing import race
from quanzi.growth.coupons.models import Coupon
from quanzi.growth.coupons.tests.helpers import template
from quanzi.loyalty.tasks import services
from quanzi.loyalty.tasks.models import (
    CheckinReward,
    CheckinRewardStep,
    CheckinRule,
    Task,
    TaskClaim,
    TaskReward,
)
from quanzi.loyalty.tasks.tests.helpers import community

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> Any:
    operator = f.operator()
    owner = User.objects.create(phone="13600000001", nickname="群主")
    member = User.objects.create(phone="13600000002", nickname="会员")
    c = community(owner)
    community_join(user=member, community=c)
    coupon = template(operator, name="奖励券", valid_days=30)
    return type("World", (), {"member": member, "community": c, "coupon": coupon})


def test_the_same_checkin_reward_twenty_times_at_once_is_paid_once(world: Any) -> None:
    rule = CheckinRule.objects.create(community=world.community, title="券", mode="continuous")
    CheckinRewardStep.objects.create(rule=rule, day=1, kind="coupon", amount=world.coupon.pk)
    # the check-in, without its after-commit reward (hooks do not run here: the race below is the only payer)
    from quanzi.content import hooks as content_hooks

    saved = dict(content_hooks.FACT_HOOKS)
    content_hooks.FACT_HOOKS.clear()
    try:
        content_services.checkin(user=world.member, community=world.community)
    finally:
        content_hooks.FACT_HOOKS.update(saved)
    outcomes = race([lambda: services.checkin_reward_grant(user_id=world.member.pk, community_id=world.community.pk)
                     for _ in range(20)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "checkin_already_rewarded"}, outcomes
    assert CheckinReward.objects.filter(user=world.member).count() == 1
    assert Coupon.objects.filter(user=world.member, template=world.coupon).count() == 1


def test_the_same_task_claimed_twenty_times_at_once_is_paid_once(world: Any) -> None:
    task = Task.objects.create(code="race", title="并发领取", section="invite", trigger="invite_first_order",
                               target=1, period="once")
    TaskReward.objects.create(task=task, kind="coupon", amount=world.coupon.pk)
    services.task_progress(user_id=world.member.pk, trigger="invite_first_order", key="invite:1")
    outcomes = race([lambda: services.task_claim(user=world.member, task_id=task.pk) for _ in range(20)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "task_already_claimed"}, outcomes
    assert TaskClaim.objects.filter(task=task, user=world.member).count() == 1
    assert Coupon.objects.filter(user=world.member, template=world.coupon).count() == 1


def test_the_same_fact_reported_twenty_times_at_once_counts_once(world: Any) -> None:
    outcomes = race([lambda: services.task_progress(user_id=world.member.pk, trigger="checkin",
                                                    key=f"checkin:{dt.date(2026, 11, 30)}") for _ in range(20)])
    assert set(outcomes) == {"ok"}, outcomes
    from quanzi.loyalty.tasks.models import TaskFact

    assert TaskFact.objects.filter(user=world.member, trigger="checkin").count() == 1
