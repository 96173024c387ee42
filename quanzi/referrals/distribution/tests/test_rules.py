"""The pure rules: who is paid at which level (sharer, KOL, binding chain; never the buyer; never beyond three
levels whatever the settings say), the floor per line, the pro rata reversal that returns exactly the accrual on
a full refund, the withdrawal fee."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quanzi.referrals.distribution import rules

CHAIN = {10: [20, 30, 40, 50], 20: [30, 40, 50], 30: [40, 50], 40: [50], 99: [20, 30, 40], 77: [20, 30]}


def chain_of(user_id: int, n: int) -> list[int]:
    return CHAIN.get(user_id, [])[:n]


def pick(**kw: object) -> list[tuple[int, int, bool]]:
    args: dict = {"buyer_id": 10, "sharer_id": None, "kol_id": None, "levels": 2, "sharer_first": True,
                  "inviter_chain": chain_of, "may_promote": lambda u: True}
    args.update(kw)
    return [(b.level, b.user_id, b.kol) for b in rules.pick_beneficiaries(**args)]


def test_binding_chain_pays_the_inviter_then_theirs():
    assert pick() == [(1, 20, False), (2, 30, False)]


@pytest.mark.parametrize("levels", [3, 4, 10, 1000])
def test_never_more_than_three_levels_whatever_the_setting(levels):
    assert pick(levels=levels) == [(1, 20, False), (2, 30, False), (3, 40, False)]


def test_zero_levels_pays_nobody():
    assert pick(levels=0) == []


def test_the_sharer_who_may_promote_takes_level_one_and_their_chain_follows():
    assert pick(sharer_id=99) == [(1, 99, False), (2, 20, False)]
    # not a promoter: the binding chain as usual
    assert pick(sharer_id=99, may_promote=lambda u: u != 99) == [(1, 20, False), (2, 30, False)]
    # the setting off: the sharer is ignored
    assert pick(sharer_id=99, sharer_first=False) == [(1, 20, False), (2, 30, False)]


def test_the_lines_kol_takes_level_one_at_the_kol_rate():
    assert pick(kol_id=77) == [(1, 77, True), (2, 20, False)]
    assert pick(sharer_id=99, kol_id=77)[0] == (1, 99, False)  # a sharer comes before the KOL


def test_the_buyer_is_never_paid_for_their_own_order():
    assert pick(sharer_id=10) == [(1, 20, False), (2, 30, False)]  # their own share link
    assert pick(kol_id=10) == [(1, 20, False), (2, 30, False)]  # their own post
    # a chain that comes back to the buyer stops there
    assert pick(buyer_id=40, levels=3, inviter_chain=lambda u, n: {40: [50], 50: [40, 60]}.get(u, [])[:n]) \
        == [(1, 50, False)]


def test_a_member_who_may_not_promote_is_skipped_without_moving_the_others_up():
    assert pick(levels=3, may_promote=lambda u: u != 30) == [(1, 20, False), (3, 40, False)]


def test_no_inviter_no_sharer_pays_nobody():
    assert pick(buyer_id=50) == []


def test_commission_is_floored_per_line():
    assert rules.commission_of(999, Decimal("0.1")) == 99
    assert rules.commission_of(5, Decimal("0.05")) == 0
    assert rules.commission_of(0, Decimal("0.1")) == 0


@given(a=st.integers(0, 10**7), p=st.integers(1, 10**7), parts=st.lists(st.integers(1, 10**6), max_size=6))
def test_reversals_are_cumulative_and_a_full_refund_returns_exactly_the_accrual(a, p, parts):
    refunded, back = 0, 0
    for part in parts:
        refunded = min(p, refunded + part)
        due = rules.reversal_total(a, refunded, p) - back
        assert due >= 0
        back += due
        assert back <= a
    back += rules.reversal_total(a, p, p) - back  # the rest refunded
    assert back == a


def test_withdrawal_fee_is_flat_plus_rate_rounded_down():
    assert rules.withdrawal_fee(10000, 100, Decimal("0.006")) == 160
    assert rules.withdrawal_fee(999, 0, Decimal("0.006")) == 5


def test_level_and_rate_checks():
    assert all(rules.check_levels(n) for n in range(4))
    assert not rules.check_levels(4) and not rules.check_levels(-1) and not rules.check_levels(True)
    assert rules.check_rate(Decimal("0.5")) and not rules.check_rate(Decimal("0.51"))
    assert not rules.check_rate(Decimal("-0.01")) and not rules.check_rate(0.1)
