"""Withdrawals under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers anyway): two
withdrawals racing against one balance never take more than it; ten at once take exactly what fits; an approval
racing a rejection of the same withdrawal lets exactly one win, and the money moves once; a refund's reversal
racing a withdrawal leaves the account equal to its ledger. Transactions really commit here."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from quanzi.catalog.tests import factories as f
from quanzi.core.testing import race
from quanzi.referrals.distribution import selectors, services
from quanzi.referrals.distribution.enums import EntryKind, WithdrawalStatus
from quanzi.referrals.distribution.models import CommissionEntry, Withdrawal
from quanzi.referrals.distribution.tests.helpers import chain, line, order_id, settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> Any:
    operator = f.operator()
    settings(operator, withdraw_min_fen=100, withdraw_max_fen=100000, withdraw_fee_fen=0)
    _top, promoter, buyer = chain(3)
    ln = line(10000)  # level 1: 1000 fen
    oid = order_id()
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[ln])
    services.commission_release(order_id=oid)
    assert selectors.promoter_get(user_id=promoter.pk).available_fen == 1000
    return type("World", (), {"operator": operator, "promoter": promoter, "buyer": buyer, "line": ln, "order": oid})


def _agree(user: Any) -> Any:
    p = selectors.promoter_get(user_id=user.pk)
    t = selectors.ledger_totals(promoter_id=p.pk)
    assert (p.pending_fen, p.available_fen, p.withdrawn_fen) == (t.pending_fen, t.available_fen, t.withdrawn_fen)
    return p


def test_two_withdrawals_racing_against_one_balance_never_take_more_than_it(world: Any) -> None:
    outcomes = race([lambda: services.withdrawal_request(user=world.promoter, amount_fen=600) for _ in range(2)])
    assert sorted(outcomes) == ["balance_insufficient", "ok"], outcomes
    p = _agree(world.promoter)
    assert p.available_fen == 400
    assert Withdrawal.objects.filter(promoter=p).aggregate(s=Sum("amount_fen"))["s"] == 600


def test_ten_withdrawals_at_once_take_exactly_what_fits(world: Any) -> None:
    outcomes = race([lambda: services.withdrawal_request(user=world.promoter, amount_fen=300) for _ in range(10)])
    assert outcomes.count("ok") == 3 and set(outcomes) == {"ok", "balance_insufficient"}, outcomes
    p = _agree(world.promoter)
    assert p.available_fen == 100 >= 0


def test_approval_racing_a_rejection_moves_the_money_once(world: Any) -> None:
    w = services.withdrawal_request(user=world.promoter, amount_fen=1000)
    outcomes = race([lambda: services.withdrawal_approve(operator=world.operator, withdrawal_id=w.pk),
                     lambda: services.withdrawal_reject(operator=world.operator, withdrawal_id=w.pk, reason="并发")])
    # the rejection may come first (approval refused), after the payout (rejection refused), or between the
    # approval's commit and its payout: then both answer ok, the withdrawal is rejected and the payout finds it so.
    # Whichever order, the money moves once
    assert sorted(outcomes) in (["illegal_transition", "ok"], ["ok", "ok"]), outcomes
    w.refresh_from_db()
    p = _agree(world.promoter)
    if w.status == WithdrawalStatus.PAID:
        assert (p.available_fen, p.withdrawn_fen) == (0, 1000)
    else:
        assert w.status == WithdrawalStatus.REJECTED and (p.available_fen, p.withdrawn_fen) == (1000, 0)
    assert CommissionEntry.objects.filter(kind=EntryKind.WITHDRAW_RETURN).count() == (w.status == "rejected")


def test_a_refund_racing_withdrawals_keeps_the_account_equal_to_its_ledger(world: Any) -> None:
    outcomes = race([
        lambda: services.commission_reverse(order_id=world.order, moment_id=77, lines={world.line.line_id: 10000}),
        *[lambda: services.withdrawal_request(user=world.promoter, amount_fen=400) for _ in range(4)]])
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    p = _agree(world.promoter)
    taken = outcomes.count("ok") - 1
    assert 0 <= taken <= 2 and p.available_fen == 1000 - 1000 - 400 * taken
