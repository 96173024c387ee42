"""Rewards go to outcomes: the invitee's first paid order qualifies, its completion pays the inviter's reward and
the invitee's new-member gift once each (and tells the task centre); a full refund before completion voids it;
sign-ups, links and later orders pay nothing."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from quanzi.growth.coupons.tests.helpers import pay, place
from quanzi.growth.coupons.tests.helpers import template as coupon_template
from quanzi.loyalty.points.selectors import points_balance
from quanzi.orders.models import Order
from quanzi.payments import services as payments
from quanzi.referrals.invites import selectors, services
from quanzi.referrals.invites.enums import BindSource, OutcomeStatus
from quanzi.referrals.invites.models import InviteOutcome, OutcomeStatusChange
from quanzi.referrals.invites.tests.helpers import complete, set_policy

pytestmark = pytest.mark.django_db


def _bound_pair() -> tuple[Any, Any]:
    inviter, invitee = make_user("邀请人"), make_user("新朋友")
    services.referral_bind(invitee=invitee, inviter_id=inviter.pk, source=BindSource.LINK, at_signup=True)
    return inviter, invitee


def _buy(user: Any, shop: Any, capture: Any) -> Order:
    with capture(execute=True):
        return pay(user, place(user, [(shop.cream, 1)]).orders.get())


def test_first_order_pays_on_completion_once(shop, django_capture_on_commit_callbacks) -> None:
    from quanzi.catalog.tests import factories as f

    gift = coupon_template(f.operator(), name="新人礼 满100减20")
    set_policy(inviter_reward_kind="points", inviter_reward_amount=300, invitee_reward_kind="coupon",
               invitee_reward_amount=gift.pk)
    inviter, invitee = _bound_pair()
    assert points_balance(user_id=inviter.pk) == 0  # the sign-up paid nothing
    order = _buy(invitee, shop, django_capture_on_commit_callbacks)
    outcome = InviteOutcome.objects.get(invitee=invitee)
    assert outcome.status == OutcomeStatus.QUALIFIED and outcome.order_id == order.pk
    assert points_balance(user_id=inviter.pk) == 0  # paid, not yet kept: nothing yet
    assert selectors.invite_stats(inviter_id=inviter.pk).first_orders == 1

    with django_capture_on_commit_callbacks(execute=True):
        complete(order.pk)
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.REWARDED
    assert points_balance(user_id=inviter.pk) == 300
    from quanzi.growth.coupons.models import Coupon

    assert Coupon.objects.filter(user=invitee, template=gift).count() == 1
    assert list(OutcomeStatusChange.objects.filter(outcome=outcome).values_list("to_status", flat=True)) == [
        "rewarded"]

    # the hook again (a retry of the moment), and the invitee's second order: nothing more
    from quanzi.orders.hooks import OrderMomentEvent

    services.outcome_on_completed(OrderMomentEvent(moment="completed", moment_id=0, order_id=order.pk,
                                                   buyer_id=invitee.pk, merchant_id=shop.merchant.pk, ref="",
                                                   amount_fen=order.payable_fen, at=order.paid_at))
    second = _buy(invitee, shop, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        complete(second.pk)
    assert points_balance(user_id=inviter.pk) == 300
    assert Coupon.objects.filter(user=invitee, template=gift).count() == 1
    assert InviteOutcome.objects.count() == 1


def test_task_centre_hears_of_the_invitation(shop, django_capture_on_commit_callbacks) -> None:
    from quanzi.loyalty.tasks.models import TaskFact

    set_policy(inviter_reward_amount=10)
    inviter, invitee = _bound_pair()
    order = _buy(invitee, shop, django_capture_on_commit_callbacks)
    assert not TaskFact.objects.filter(user_id=inviter.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete(order.pk)
    assert TaskFact.objects.filter(user_id=inviter.pk, trigger="invite_first_order",
                                   key=f"invite:{invitee.pk}").count() == 1


def test_a_member_who_ordered_before_being_bound_brings_nothing(shop, django_capture_on_commit_callbacks) -> None:
    set_policy("permanent")
    inviter, member = make_user(), make_user()
    _buy(member, shop, django_capture_on_commit_callbacks)
    services.referral_bind(invitee=member, inviter_id=inviter.pk, source=BindSource.LINK)
    _buy(member, shop, django_capture_on_commit_callbacks)
    assert not InviteOutcome.objects.exists()


def test_unbound_buyers_qualify_nothing(shop, django_capture_on_commit_callbacks) -> None:
    _buy(make_user(), shop, django_capture_on_commit_callbacks)
    assert not InviteOutcome.objects.exists()


def test_full_refund_before_completion_voids_and_later_orders_do_not_count(
        shop, django_capture_on_commit_callbacks) -> None:
    inviter, invitee = _bound_pair()
    order = _buy(invitee, shop, django_capture_on_commit_callbacks)
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=1000, refund_no="R-inv-1", lines={line.pk: 1000})
    assert InviteOutcome.objects.get(invitee=invitee).status == OutcomeStatus.QUALIFIED  # partial: kept
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=order.payable_fen - 1000, refund_no="R-inv-2",
                               lines={line.pk: order.payable_fen - 1000})
    outcome = InviteOutcome.objects.get(invitee=invitee)
    assert outcome.status == OutcomeStatus.VOID
    assert selectors.invite_stats(inviter_id=inviter.pk).first_orders == 0
    second = _buy(invitee, shop, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        complete(second.pk)
    assert points_balance(user_id=inviter.pk) == 0
    assert InviteOutcome.objects.get(invitee=invitee).order_id == order.pk


def test_leaderboard_counts_first_orders_not_sign_ups(shop, django_capture_on_commit_callbacks) -> None:
    from quanzi.communities import services as community_services

    owner = make_user("群主")
    community = community_services.community_create(owner=owner, name="护肤研究社", slug="skin-lab", vertical="beauty",
                                                    positioning="成分党")
    big_signups, closer = make_user("只拉注册"), make_user("带来首单")
    for _ in range(3):
        services.referral_bind(invitee=make_user(), inviter_id=big_signups.pk, source=BindSource.LINK,
                               community_id=community.pk, at_signup=True)
    for _ in range(2):
        buyer = make_user()
        services.referral_bind(invitee=buyer, inviter_id=closer.pk, source=BindSource.LINK,
                               community_id=community.pk, at_signup=True)
        _buy(buyer, shop, django_capture_on_commit_callbacks)
    rows = selectors.leaderboard(community_id=community.pk)
    assert [(r.rank, r.user_id, r.count) for r in rows] == [(1, closer.pk, 2)]
