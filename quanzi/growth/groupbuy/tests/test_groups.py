"""A group's life through the real checkout, payments (sandbox) and order hooks: opened, joined, paid, filled at
exactly its size (holds released, the merchant ships); a short group refunded once per paid member, by the job or
read-time; a late payment refunded; an unpaid place freed; the merchant's honest "succeeds anyway at expiry"; a
campaign ended early. Transactions commit here (transaction=True) so the after-commit hooks run as in production."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.core.errors import DomainError
from quanzi.growth.groupbuy import jobs, selectors, services
from quanzi.growth.groupbuy.enums import CloseReason, GroupStatus, MemberRole, MemberStatus
from quanzi.growth.groupbuy.models import GroupBuyGroup, GroupBuyMember, GroupStatusChange
from quanzi.growth.groupbuy.tests.helpers import (
    campaign,
    expire,
    group_of,
    join,
    members,
    open_group,
    pay,
    shop,
)
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderHold, OrderLineAdjustment
from quanzi.payments.models import Refund

pytestmark = pytest.mark.django_db(transaction=True)


def _held(order: Order) -> bool:
    return OrderHold.objects.filter(order=order, source="groupbuy", released_at__isnull=True).exists()


def test_a_group_fills_at_exactly_its_size_and_the_merchant_ships() -> None:
    merchant, sku = shop(price_fen=10000)
    c = campaign(merchant, sku, size=3, group_price_fen=6000, leader_price_fen=5500)
    leader, a, b = members(3)

    first = open_group(leader, c)
    assert first.payable_fen == 5500  # the leader's price, no shipping template: free shipping
    adj = OrderLineAdjustment.objects.get(order_line__order=first)
    assert (adj.stage, adj.source, adj.amount_fen) == ("campaign", f"groupbuy:{c.pk}", 4500)
    group = group_of(first)
    assert (group.status, group.taken_count, group.paid_count, group.size) == ("open", 1, 0, 3)
    assert _held(first)
    pay(leader, first)
    group.refresh_from_db()
    assert group.paid_count == 1
    # the hold tells buyer and merchant how many are still missing, read when shown
    hold = OrderHold.objects.get(order=first, released_at__isnull=True)
    assert hold.display_text == "拼团中，还差 2 人成团，成团后发货"
    with pytest.raises(DomainError) as exc:
        orders.order_ship(user=merchant.user, order_id=first.pk, carrier="顺丰", tracking_no="SF1234567890")
    assert exc.value.code == "order_on_hold"

    second = join(a, group)
    assert second.payable_fen == 6000
    pay(a, second)
    assert OrderHold.objects.get(order=first, released_at__isnull=True).display_text == \
        "拼团中，还差 1 人成团，成团后发货"
    third = join(b, group)
    pay(b, third)

    group.refresh_from_db()
    assert (group.status, group.paid_count, group.taken_count, group.close_reason) == \
        (GroupStatus.SUCCEEDED, 3, 3, CloseReason.FILLED)
    assert not any(_held(o) for o in (first, second, third))
    assert orders.order_ship(user=merchant.user, order_id=first.pk, carrier="顺丰",
                             tracking_no="SF1234567890").status == OrderStatus.SHIPPED
    assert list(GroupStatusChange.objects.filter(group=group).values_list("from_status", "to_status")) == \
        [("", "open"), ("open", "succeeded")]
    assert set(GroupBuyMember.objects.filter(group=group).values_list("status", flat=True)) == {"paid"}
    assert not GroupBuyMember.objects.filter(group=group, active=True).exists()
    told = Notification.objects.filter(kind="groupbuy", recipient__in=[leader, a, b])
    assert sum(1 for n in told if n.display_text == f"你参加的拼团「{c.title}」已成团，商家会尽快发货") == 3
    assert Notification.objects.filter(recipient=leader, kind="groupbuy", message_id="notify.groupbuy_member_paid")\
        .count() == 2
    # after success a member may open or join another group of the same campaign
    again = open_group(a, c)
    assert group_of(again).pk != group.pk


def test_a_group_that_expires_short_refunds_every_paid_member_exactly_once() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=3)
    leader, a, unpaid = members(3)
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    second = join(a, group)
    pay(a, second)
    third = join(unpaid, group)  # holds a place, never pays

    expire(group)
    group.refresh_from_db()
    assert selectors.group_status_now(group) == GroupStatus.FAILED  # read-time, before any job
    assert group.status == GroupStatus.OPEN
    jobs.groupbuy_settle_due.call_local()
    jobs.groupbuy_settle_due.call_local()
    services.group_close_due(group_id=group.pk)

    group.refresh_from_db()
    assert (group.status, group.close_reason) == (GroupStatus.FAILED, CloseReason.EXPIRED_SHORT)
    refunds = Refund.objects.filter(refund_no__startswith="GB-").order_by("refund_no")
    assert sorted((r.order_id, r.amount_fen, r.status) for r in refunds) == \
        sorted([(first.pk, 6000, "succeeded"), (second.pk, 6000, "succeeded")])
    for o in (first, second):
        o.refresh_from_db()
        assert (o.status, o.refunded_fen) == (OrderStatus.REFUNDED, o.paid_fen)
        assert not _held(o)
    statuses = dict(GroupBuyMember.objects.filter(group=group).values_list("order_id", "status"))
    assert statuses == {first.pk: "refunded", second.pk: "refunded", third.pk: "reserved"}
    assert Notification.objects.filter(message_id="notify.groupbuy_failed").count() == 2
    assert list(GroupStatusChange.objects.filter(group=group).values_list("to_status", flat=True)) == \
        ["open", "failed"]
    # the unpaid member pays after all: too late, refunded and told, still exactly one refund each
    pay(unpaid, third)
    third.refresh_from_db()
    assert third.status == OrderStatus.REFUNDED
    assert Refund.objects.filter(refund_no__startswith="GB-").count() == 3
    assert GroupBuyMember.objects.get(order=third).status == MemberStatus.REFUNDED
    assert Notification.objects.filter(recipient=unpaid, message_id="notify.groupbuy_late").count() == 1
    jobs.groupbuy_settle_due.call_local()
    assert Refund.objects.filter(refund_no__startswith="GB-").count() == 3


def test_a_payment_arriving_after_the_deadline_closes_the_group_and_is_refunded() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader, late = members(2)
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    second = join(late, group)
    expire(group)  # no job has run: the payment finds the group past its deadline
    pay(late, second)
    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED and group.paid_count == 1  # never counted past the deadline
    for o in (first, second):
        o.refresh_from_db()
        assert o.status == OrderStatus.REFUNDED
    assert Refund.objects.filter(refund_no__startswith="GB-").count() == 2


def test_an_unpaid_place_is_freed_when_its_order_is_cancelled_or_expires() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader, quitter, expirer, keeper = members(4)
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    taken = join(quitter, group)
    with pytest.raises(DomainError) as exc:
        join(keeper, group)
    assert exc.value.code == "group_full"
    orders.order_cancel(user=quitter, order_id=taken.pk)
    group.refresh_from_db()
    assert group.taken_count == 1
    assert GroupBuyMember.objects.get(order=taken).status == MemberStatus.RELEASED
    assert not _held(taken)
    # an order past its payment deadline frees its place as soon as someone else checks out the SKU
    held = join(expirer, group)
    Order.objects.filter(pk=held.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    group.refresh_from_db()
    assert selectors.places_free(group, selectors.expired_reservations([group.pk]).get(group.pk, 0)) == 1
    last = join(keeper, group)
    pay(keeper, last)
    group.refresh_from_db()
    assert (group.status, group.paid_count) == (GroupStatus.SUCCEEDED, 2)
    assert GroupBuyMember.objects.get(order=held).status == MemberStatus.RELEASED


def test_succeeds_anyway_at_expiry_with_the_real_members_only_and_says_so() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=4, succeed_at_expiry=True)
    leader, a = members(2)
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    second = join(a, group)
    pay(a, second)
    expire(group)
    jobs.groupbuy_settle_due.call_local()
    group.refresh_from_db()
    assert (group.status, group.close_reason, group.paid_count) == \
        (GroupStatus.SUCCEEDED, CloseReason.SUCCEEDED_AT_EXPIRY, 2)
    assert GroupBuyMember.objects.filter(group=group).count() == 2  # nobody made up
    assert not _held(first) and not _held(second)
    assert not Refund.objects.exists()
    page = Client().get(f"/groupbuy/g/{group.pk}/").content.decode()
    assert "按商家设置以实际付款的 2 人成团（没有添加任何虚拟成员）" in page
    assert page.count('data-member="') == 2 and "gb-empty" not in page
    # a group of the same campaign where nobody paid still fails
    lonely = open_group(make_user("孤单"), c)
    expire(group_of(lonely))
    jobs.groupbuy_settle_due.call_local()
    assert group_of(lonely).status == GroupStatus.FAILED


def test_ending_a_campaign_closes_its_open_groups_now() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=3)
    leader = make_user("团长")
    first = open_group(leader, c)
    pay(leader, first)
    services.campaign_end(user=merchant.user, campaign_id=c.pk)
    group = group_of(first)
    assert (group.status, group.close_reason) == (GroupStatus.FAILED, CloseReason.CAMPAIGN_ENDED)
    first.refresh_from_db()
    assert first.status == OrderStatus.REFUNDED
    with pytest.raises(DomainError) as exc:
        open_group(make_user("来晚了"), c)
    assert exc.value.code == "campaign_ended"


def test_a_member_who_takes_their_money_back_before_the_group_fills_leaves_it() -> None:
    from quanzi.payments import services as payments

    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader, a, b = members(3)
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    second = join(a, group)
    pay(a, second)  # fills: succeeded
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED
    # another group: the leader refunds in full before anyone joins (an operator's refund here)
    third = open_group(b, c)
    pay(b, third)
    other = group_of(third)
    payments.refund_create(order_id=third.pk, amount_fen=third.payable_fen, refund_no="OP-1", kind="operator")
    other.refresh_from_db()
    assert (other.paid_count, other.taken_count) == (0, 0)
    assert GroupBuyMember.objects.get(order=third).status == MemberStatus.REFUNDED
    # ... and may open again
    again = open_group(b, c)
    assert GroupBuyMember.objects.get(order=again).role == MemberRole.LEADER


def test_each_group_move_is_audited_and_illegal_moves_refused() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader = make_user("团长")
    first = open_group(leader, c)
    group = group_of(first)
    services.GROUP_MACHINE.move(group, GroupStatus.FAILED, note="test")
    with pytest.raises(DomainError) as exc:
        services.GROUP_MACHINE.move(GroupBuyGroup.objects.get(pk=group.pk), GroupStatus.SUCCEEDED, note="test")
    assert exc.value.code == "illegal_transition"
