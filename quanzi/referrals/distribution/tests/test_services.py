"""The distribution services on the ledger: accrual per line and level, once; refunds pro rata (also after a
withdrawal, down below zero); release into available when the order completes; withdrawals with their minimum,
maximum, fee, approval and rejection; promoters applying and being appointed; and the lawful-by-construction
rules, each a test: no commission for a sign-up, no entry fee, no commission on an unpaid order, no level beyond
the cap (in code and in the database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.core.errors import DomainError
from quanzi.referrals.distribution import selectors, services
from quanzi.referrals.distribution.enums import (
    Bucket,
    EntryKind,
    PromoterMode,
    PromoterStatus,
    WithdrawalStatus,
)
from quanzi.referrals.distribution.models import CommissionEntry, DistributionSettings, Promoter
from quanzi.referrals.distribution.tests.helpers import bind, chain, line, order_id, settings

pytestmark = pytest.mark.django_db


def code(fn: Any, **kw: Any) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kw)
    return str(exc.value.code)


def totals_agree(*users: Any) -> None:
    """The account row's cached sums equal the ledger's (the ledger is the truth)."""
    for u in users:
        p = selectors.promoter_get(user_id=u.pk)
        if p is None:
            continue
        t = selectors.ledger_totals(promoter_id=p.pk)
        assert (p.pending_fen, p.available_fen, p.withdrawn_fen) == (t.pending_fen, t.available_fen, t.withdrawn_fen)


def balance(u: Any) -> tuple[int, int]:
    p = selectors.promoter_get(user_id=u.pk)
    return (p.pending_fen, p.available_fen) if p else (0, 0)


def test_paid_order_accrues_pending_per_level_once(operator):
    top, mid, buyer = chain(3)
    lines = [line(10000), line(999)]
    oid = order_id()
    written = services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=lines)
    # level 1 (mid) 10 %, level 2 (top) 5 %, floored per line
    assert sorted((e.level, e.amount_fen) for e in written) == [(1, 99), (1, 1000), (2, 49), (2, 500)]
    assert balance(mid) == (1099, 0) and balance(top) == (549, 0)
    # the moment replayed: nothing twice
    assert services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=lines) == []
    assert CommissionEntry.objects.filter(order_id=oid).count() == 4
    assert Notification.objects.filter(recipient=mid, kind="commission").count() == 1
    totals_agree(top, mid, buyer)


def test_completion_releases_into_available_once(operator):
    top, mid, buyer = chain(3)
    oid = order_id()
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[line(10000)])
    services.commission_release(order_id=oid)
    services.commission_release(order_id=oid)
    assert balance(mid) == (0, 1000) and balance(top) == (0, 500)
    totals_agree(top, mid)


def test_partial_then_full_refund_before_completion_nets_to_zero(operator):
    top, mid, buyer = chain(3)
    oid = order_id()
    ln = line(10000, payable_fen=10800)  # 8 yuan of shipping on the line's payable
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[ln])
    services.commission_reverse(order_id=oid, moment_id=1, lines={ln.line_id: 3600})  # a third
    assert balance(mid) == (1000 - 333, 0)
    services.commission_reverse(order_id=oid, moment_id=1, lines={ln.line_id: 3600})  # replayed: nothing
    assert balance(mid) == (667, 0)
    services.commission_reverse(order_id=oid, moment_id=2, lines={ln.line_id: 7200})  # the rest
    assert balance(mid) == (0, 0) and balance(top) == (0, 0)
    assert selectors.order_commission(order_id=oid) == {1: 0, 2: 0}
    services.commission_release(order_id=oid)  # nothing left to release
    assert balance(mid) == (0, 0)
    totals_agree(top, mid)


def test_refund_after_withdrawal_goes_negative_and_blocks_withdrawals(operator):
    _top, mid, buyer = chain(3)
    settings(operator, withdraw_fee_fen=0)
    oid = order_id()
    ln = line(50000)
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[ln])
    services.commission_release(order_id=oid)
    assert balance(mid) == (0, 5000)
    w = services.withdrawal_request(user=mid, amount_fen=5000)
    services.withdrawal_approve(operator=operator, withdrawal_id=w.pk)
    services.commission_reverse(order_id=oid, moment_id=9, lines={ln.line_id: 50000})
    assert balance(mid) == (0, -5000)
    assert code(services.withdrawal_request, user=mid, amount_fen=1000) == "balance_negative"
    # a new commission brings it back above zero, then withdrawals work again
    other = order_id()
    services.commission_accrue(order_id=other, buyer_id=buyer.pk, lines=[line(70000)])
    services.commission_release(order_id=other)
    assert balance(mid) == (0, 2000)
    services.withdrawal_request(user=mid, amount_fen=2000)
    totals_agree(mid)


def test_withdrawal_limits_fee_approval_and_rejection(operator):
    _top, mid, buyer = chain(3)
    settings(operator, withdraw_min_fen=1000, withdraw_max_fen=3000, withdraw_fee_fen=100,
             withdraw_fee_rate="0.01")
    oid = order_id()
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[line(60000)])
    assert code(services.withdrawal_request, user=mid, amount_fen=1000) == "balance_insufficient"  # still pending
    services.commission_release(order_id=oid)
    assert code(services.withdrawal_request, user=mid, amount_fen=999) == "below_minimum"
    assert code(services.withdrawal_request, user=mid, amount_fen=3001) == "above_maximum"
    assert code(services.withdrawal_request, user=mid, amount_fen=0) == "invalid_amount"
    assert code(services.withdrawal_request, user=buyer, amount_fen=1000) == "not_promoter"
    w = services.withdrawal_request(user=mid, amount_fen=3000)
    assert (w.fee_fen, w.payout_fen, w.status) == (130, 2870, WithdrawalStatus.REQUESTED)
    assert balance(mid) == (0, 3000)
    w2 = services.withdrawal_request(user=mid, amount_fen=3000)
    assert code(services.withdrawal_request, user=mid, amount_fen=1000) == "balance_insufficient"
    assert code(services.withdrawal_approve, operator=mid, withdrawal_id=w.pk) == "not_operator"
    paid = services.withdrawal_approve(operator=operator, withdrawal_id=w.pk)
    assert paid.status == WithdrawalStatus.PAID and paid.payout_ref.startswith("SBX") and paid.channel == "sandbox"
    assert code(services.withdrawal_reject, operator=operator, withdrawal_id=w.pk) == "illegal_transition"
    rejected = services.withdrawal_reject(operator=operator, withdrawal_id=w2.pk, reason="信息不全")
    assert rejected.status == WithdrawalStatus.REJECTED
    assert code(services.withdrawal_reject, operator=operator, withdrawal_id=w2.pk) == "illegal_transition"
    assert balance(mid) == (0, 3000)  # the rejected 30 came back, once
    p = selectors.promoter_get(user_id=mid.pk)
    assert p.withdrawn_fen == 3000
    assert [c.to_status for c in w2.status_changes.all()] == ["requested", "rejected"]
    totals_agree(mid)


def test_sharer_promoter_takes_level_one_and_kol_rate_applies(operator):
    settings(operator, kol_rate="0.2")
    _top, mid, buyer = chain(3)
    sharer, kol = make_user("分享达人"), make_user("达人")
    oid = order_id()
    written = services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[
        line(10000, sharer_id=sharer.pk), line(10000, kol_id=kol.pk)])
    got = sorted((e.level, selectors.promoter_get(user_id=u.pk).pk == e.promoter_id and u.nickname, e.amount_fen)
                 for e in written for u in (sharer, kol) if e.promoter.user_id == u.pk)
    assert got == [(1, "分享达人", 1000), (1, "达人", 2000)]
    assert all(e.is_kol == (e.promoter.user_id == kol.pk) for e in written if e.level == 1)


def test_product_and_community_overrides(operator):
    from quanzi.catalog.tests import factories as f

    _top, mid, buyer = chain(3)
    m = f.approved_merchant()
    product, _sku = f.product_with_sku(m)
    community = f.community()
    services.product_rate_set(operator=operator, product_id=product.pk, level1_rate=Decimal("0.2"))
    services.community_rule_set(actor=community.owner, community_id=community.pk, levels=1,
                                level1_rate=Decimal("0.15"))
    assert code(services.community_rule_set, actor=mid, community_id=community.pk, levels=1) == "not_allowed"
    written = services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[
        line(10000, product_id=product.pk), line(10000, community_id=community.pk)])
    assert sorted((e.level, e.amount_fen) for e in written) == [(1, 1500), (1, 2000), (2, 500)]


# --- promoters ----------------------------------------------------------------------------------------------------


def test_appointed_mode_applications_wait_for_an_operator(operator):
    settings(operator, promoter_mode=PromoterMode.APPOINTED)
    top, mid, buyer = chain(3)
    # nobody is a promoter yet: a paid order pays nobody
    assert services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[line(10000)]) == []
    p = services.promoter_apply(user=mid)
    assert p.status == PromoterStatus.APPLIED
    assert code(services.promoter_apply, user=mid) == "application_pending"
    services.promoter_approve(operator=operator, promoter_id=p.pk)
    written = services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[line(10000)])
    assert [(e.level, e.promoter.user_id) for e in written] == [(1, mid.pk)]  # top is not a promoter
    # a community owner appoints a member of their community
    from quanzi.catalog.tests import factories as f

    c = f.community()
    f.add_member(c, top)
    assert code(services.promoter_appoint, actor=mid, user_id=top.pk, community_id=c.pk) == "not_allowed"
    services.promoter_appoint(actor=c.owner, user_id=top.pk, community_id=c.pk)
    assert code(services.promoter_appoint, actor=operator, user_id=top.pk) == "already_promoter"
    services.promoter_suspend(operator=operator, promoter_id=p.pk)
    written = services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[line(10000)])
    assert [(e.level, e.promoter.user_id) for e in written] == [(2, top.pk)]  # suspended mid earns nothing
    statuses = [c.to_status for c in Promoter.objects.get(pk=p.pk).status_changes.all()]
    assert statuses == ["applied", "active", "suspended"]


def test_threshold_mode_needs_the_spending(operator):
    settings(operator, promoter_mode=PromoterMode.THRESHOLD, spend_threshold_fen=10000)
    _top, mid, buyer = chain(3)
    assert code(services.promoter_apply, user=mid) == "spend_below_threshold"
    assert services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[line(10000)]) == []


# --- lawful by construction ---------------------------------------------------------------------------------------


def test_no_commission_for_a_sign_up(operator):
    """Binding a new member (the sign-up through an invite) writes nothing to anyone's ledger."""
    inviter, invitee = make_user("邀请人"), make_user("新会员")
    bind(invitee, inviter)
    assert not CommissionEntry.objects.exists()
    assert {k.value for k in EntryKind} == {"accrue", "reverse", "release", "withdraw", "withdraw_return"}


def test_no_entry_fee_to_become_a_promoter(operator):
    """Becoming a promoter moves no money at all, in any mode: no ledger entry, no order, a zero account."""
    from quanzi.orders.selectors import order_count

    before = order_count()
    member = make_user("想推广的人")
    p = services.promoter_apply(user=member)
    assert p.status == PromoterStatus.ACTIVE
    assert not CommissionEntry.objects.filter(promoter=p).exists() and order_count() == before
    assert (p.pending_fen, p.available_fen, p.withdrawn_fen) == (0, 0, 0)
    assert not any("fee" in f.name for f in Promoter._meta.get_fields())


def test_no_level_beyond_the_cap(operator):
    people = chain(6)
    buyer = people[-1]
    assert code(services.settings_update, operator=operator, levels=4) == "invalid_levels"
    assert selectors.platform_settings().levels == 2  # refused: nothing changed
    settings(operator, levels=3, level3_rate="0.02")
    written = services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[line(10000)])
    assert sorted(e.level for e in written) == [1, 2, 3]
    # the database refuses it too, whatever writes the row
    with pytest.raises(IntegrityError), transaction.atomic():
        DistributionSettings.objects.filter(pk=1).update(levels=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionEntry.objects.filter(pk=written[0].pk).update(level=4)


def test_bad_settings_change_nothing(operator):
    assert code(services.settings_update, operator=operator, level1_rate=Decimal("0.9")) == "invalid_rate"
    assert code(services.settings_update, operator=operator, withdraw_min_fen=50) == "invalid_withdraw_limits"
    member = make_user()
    assert code(services.settings_update, operator=member, levels=1) == "not_operator"
    conf = selectors.platform_settings()
    assert (conf.level1_rate, conf.withdraw_min_fen) == (Decimal("0.1"), 1000)


def test_bucket_of_a_refund_after_completion_is_available(operator):
    _top, mid, buyer = chain(3)
    oid = order_id()
    ln = line(10000)
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[ln])
    services.commission_release(order_id=oid)
    services.commission_reverse(order_id=oid, moment_id=5, lines={ln.line_id: 5000})
    rev = CommissionEntry.objects.get(kind=EntryKind.REVERSE, level=1)
    assert rev.bucket == Bucket.AVAILABLE and rev.amount_fen == -500
    assert balance(mid) == (0, 500)
