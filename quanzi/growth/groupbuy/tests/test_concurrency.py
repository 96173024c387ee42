"""Exact under concurrency, on PostgreSQL (real row locks and READ COMMITTED re-checks; each racer has its own
connection through `core.testing.race`):

- a group of 5 whose leader paid, 12 joiners at once, each placing and paying: exactly 4 more places, so 5 paid
  members, one success, every hold released; the other 8 refused (`group_full`, or `group_closed` once it has
  succeeded), no order left behind;
- the deadline passes while 4 members pay and the job and closers run at the same time: the group fails once,
  every paid member (the leader and the 4 late payers) is refunded exactly once;
- one member racing to open and join several groups of a campaign ends in exactly one open group;
- the 4 last members of a group paying at the same instant: the group succeeds once, at exactly its size."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.core.testing import race
from quanzi.growth.groupbuy import jobs, services
from quanzi.growth.groupbuy.enums import GroupStatus, MemberStatus
from quanzi.growth.groupbuy.models import GroupBuyGroup, GroupBuyMember, GroupStatusChange
from quanzi.growth.groupbuy.tests.helpers import (
    address_id,
    campaign,
    expire,
    group_of,
    join,
    open_group,
    pay,
    shop,
)
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderHold
from quanzi.payments.models import Refund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _join_and_pay(user, group):  # type: ignore[no-untyped-def]
    def run() -> None:
        order = join(user, group)
        pay(user, order)
    return run


def test_a_group_of_5_with_12_concurrent_joiners_who_all_pay_fills_exactly() -> None:
    assert connection.vendor == "postgresql"
    merchant, sku = shop(stock=100)
    c = campaign(merchant, sku, size=5)
    leader = make_user("团长")
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    joiners = [make_user(f"抢团{i}") for i in range(12)]
    for u in joiners:
        address_id(u)

    outcomes = race([_join_and_pay(u, group) for u in joiners])

    # refused: full while the places are taken, closed once the group has succeeded
    assert outcomes.count("ok") == 4 and set(outcomes) - {"ok"} <= {"group_full", "group_closed"}, outcomes
    group.refresh_from_db()
    assert (group.status, group.size, group.paid_count, group.taken_count) == (GroupStatus.SUCCEEDED, 5, 5, 5)
    paid = GroupBuyMember.objects.filter(group=group, status=MemberStatus.PAID)
    assert paid.count() == 5 and GroupBuyMember.objects.filter(group=group).count() == 5
    assert Order.objects.filter(status=OrderStatus.PAID).count() == 5 and Order.objects.count() == 5
    assert not OrderHold.objects.filter(released_at__isnull=True).exists()
    assert list(GroupStatusChange.objects.filter(group=group).values_list("to_status", flat=True)) == \
        ["open", "succeeded"]
    assert not Refund.objects.exists()
    assert Notification.objects.filter(message_id="notify.groupbuy_succeeded").count() == 5


def test_payments_racing_the_deadline_and_the_job_refund_each_paid_member_exactly_once() -> None:
    merchant, sku = shop(stock=100)
    c = campaign(merchant, sku, size=5)
    leader = make_user("团长")
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    late = [make_user(f"晚付{i}") for i in range(4)]
    orders = [join(u, group) for u in late]
    expire(group)  # the deadline passes: nobody may count any more

    calls = [(lambda u=u, o=o: pay(u, o)) for u, o in zip(late, orders, strict=True)]
    calls += [lambda: jobs.groupbuy_settle_due.call_local() for _i in range(3)]
    calls += [lambda: services.group_close_due(group_id=group.pk) for _i in range(2)]
    outcomes = race(calls)

    assert outcomes == ["ok"] * len(calls), outcomes
    jobs.groupbuy_settle_due.call_local()  # a refund that had to wait for another payer's lock, if any
    group.refresh_from_db()
    assert (group.status, group.paid_count) == (GroupStatus.FAILED, 1)
    assert list(GroupStatusChange.objects.filter(group=group).values_list("to_status", flat=True)) == \
        ["open", "failed"]
    refunds = list(Refund.objects.order_by("order_id").values_list("refund_no", "order_id", "amount_fen"))
    all_orders = [first, *orders]
    assert len(refunds) == 5 and {r[1] for r in refunds} == {o.pk for o in all_orders}
    assert all(no.startswith("GB-") for no, _o, _a in refunds)
    for o in all_orders:
        o.refresh_from_db()
        assert (o.status, o.refunded_fen, o.paid_fen) == (OrderStatus.REFUNDED, o.payable_fen, o.payable_fen)
    assert set(GroupBuyMember.objects.filter(group=group).values_list("status", flat=True)) == {"refunded"}


def test_one_member_racing_for_several_groups_of_a_campaign_ends_in_exactly_one() -> None:
    merchant, sku = shop(stock=100)
    c = campaign(merchant, sku, size=3)
    groups = []
    for i in range(3):
        leader = make_user(f"团长{i}")
        o = open_group(leader, c)
        pay(leader, o)
        groups.append(group_of(o))
    greedy = make_user("贪心")
    address_id(greedy)
    calls = [(lambda g=g: join(greedy, g)) for g in groups for _twice in range(2)]
    calls += [lambda: open_group(greedy, c) for _i in range(2)]
    outcomes = race(calls)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"already_in_open_group", "already_in_group"}, outcomes
    assert GroupBuyMember.objects.filter(user=greedy, active=True).count() == 1
    assert Order.objects.filter(buyer=greedy).count() == 1
    assert sum(GroupBuyGroup.objects.values_list("taken_count", flat=True)) == 3 + 1  # the leaders and greedy


def test_the_last_members_paying_at_once_fill_the_group_once() -> None:
    merchant, sku = shop(stock=100)
    c = campaign(merchant, sku, size=5)
    leader = make_user("团长")
    first = open_group(leader, c)
    group = group_of(first)
    others = [make_user(f"团员{i}") for i in range(4)]
    orders = [(leader, first)] + [(u, join(u, group)) for u in others]
    outcomes = race([(lambda u=u, o=o: pay(u, o)) for u, o in orders])
    assert outcomes == ["ok"] * 5, outcomes
    group.refresh_from_db()
    assert (group.status, group.paid_count) == (GroupStatus.SUCCEEDED, 5)
    assert GroupStatusChange.objects.filter(group=group, to_status="succeeded").count() == 1
    assert not OrderHold.objects.filter(released_at__isnull=True).exists()
    assert Notification.objects.filter(message_id="notify.groupbuy_succeeded").count() == 5
