"""The hypothesis state machine over orders and withdrawals (the issue's "must show"): orders are paid (with
sharers and buyers anywhere in an invite chain of seven), completed, refunded in part or in full; promoters ask
to withdraw; operators approve or reject. After every step:

- for every promoter, the withdrawable amount (the account's `available_fen`) is never more than the settled
  entries (released commission less refunds taken from available) minus the withdrawals not rejected — and the
  account row's cached sums equal the ledger's;
- no order line pays more levels than configured (and never more than three), nor one level twice;
- a fully refunded order leaves its commissions at net zero, every level;
- pending never goes below zero.

The services are called as the order moments call them (`commission_accrue` on paid, `commission_reverse` on
refunded with the moment's line split, `commission_release` on completed); each example runs in a savepoint that
is rolled back."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.referrals.distribution import selectors, services
from quanzi.referrals.distribution.enums import Bucket, EntryKind, WithdrawalStatus
from quanzi.referrals.distribution.models import CommissionEntry, Promoter, Withdrawal
from quanzi.referrals.distribution.tests.helpers import chain, line, order_id
from quanzi.referrals.distribution.tests.helpers import settings as set_rules

WITHDRAW_CODES = {"balance_insufficient", "balance_negative", "below_minimum", "above_maximum", "not_promoter"}


class DistributionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.operator = f.operator()
        self.people = chain(7)
        self.moments = itertools.count(1)
        self.orders: dict[int, dict[str, Any]] = {}
        self.levels = 2

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    @initialize(levels=st.integers(0, 3), fee=st.integers(0, 300))
    def configure(self, levels: int, fee: int) -> None:
        self.levels = levels
        set_rules(self.operator, levels=levels, level3_rate="0.03", withdraw_min_fen=500, withdraw_max_fen=20000,
                  withdraw_fee_fen=fee)

    @rule(buyer=st.integers(0, 6), sharer=st.one_of(st.none(), st.integers(0, 6)),
          goods=st.lists(st.tuples(st.integers(0, 60000), st.integers(0, 1200)), min_size=1, max_size=3))
    def pay(self, buyer: int, sharer: int | None, goods: list[tuple[int, int]]) -> None:
        lines = [line(g, payable_fen=g + ship, sharer_id=self.people[sharer].pk if sharer is not None else None)
                 for g, ship in goods]
        oid = order_id()
        services.commission_accrue(order_id=oid, buyer_id=self.people[buyer].pk, lines=lines)
        self.orders[oid] = {"lines": {ln.line_id: ln.payable_fen for ln in lines},
                            "refunded": defaultdict(int), "completed": False}

    def _pick(self, data: st.DataObject, *, open_only: bool = False) -> int | None:
        ids = sorted(o for o, v in self.orders.items() if not (open_only and v["completed"]))
        return data.draw(st.sampled_from(ids)) if ids else None

    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        oid = self._pick(data, open_only=True)
        if oid is not None:
            services.commission_release(order_id=oid)
            self.orders[oid]["completed"] = True

    @rule(data=st.data(), full=st.booleans())
    def refund(self, data: st.DataObject, full: bool) -> None:
        oid = self._pick(data)
        if oid is None:
            return
        o = self.orders[oid]
        split: dict[int, int] = {}
        for line_id, payable in o["lines"].items():
            left = payable - o["refunded"][line_id]
            fen = left if full else data.draw(st.integers(0, left))
            if fen > 0:
                split[line_id] = fen
                o["refunded"][line_id] += fen
        if split:
            services.commission_reverse(order_id=oid, moment_id=next(self.moments), lines=split)

    @rule(who=st.integers(0, 6), amount=st.integers(1, 25000))
    def withdraw(self, who: int, amount: int) -> None:
        try:
            services.withdrawal_request(user=self.people[who], amount_fen=amount)
        except DomainError as exc:
            assert exc.code in WITHDRAW_CODES, exc

    @rule(data=st.data(), approve=st.booleans())
    def decide(self, data: st.DataObject, approve: bool) -> None:
        ids = list(Withdrawal.objects.filter(status=WithdrawalStatus.REQUESTED).order_by("pk")
                   .values_list("pk", flat=True))
        if not ids:
            return
        wid = data.draw(st.sampled_from(ids))
        if approve:
            assert services.withdrawal_approve(operator=self.operator, withdrawal_id=wid).status == "paid"
        else:
            services.withdrawal_reject(operator=self.operator, withdrawal_id=wid, reason="测试")

    @invariant()
    def withdrawable_never_more_than_settled_less_withdrawals(self) -> None:
        for p in Promoter.objects.all():
            entries = CommissionEntry.objects.filter(promoter=p)
            settled = int(entries.filter(bucket=Bucket.AVAILABLE, kind__in=(EntryKind.RELEASE, EntryKind.REVERSE))
                          .aggregate(s=Sum("amount_fen"))["s"] or 0)
            withdrawn = int(Withdrawal.objects.filter(promoter=p).exclude(status=WithdrawalStatus.REJECTED)
                            .aggregate(s=Sum("amount_fen"))["s"] or 0)
            assert p.available_fen <= settled - withdrawn
            t = selectors.ledger_totals(promoter_id=p.pk)
            assert (p.pending_fen, p.available_fen, p.withdrawn_fen) == (t.pending_fen, t.available_fen,
                                                                         t.withdrawn_fen)
            assert p.pending_fen >= 0

    @invariant()
    def no_chain_pays_more_levels_than_configured(self) -> None:
        accruals = CommissionEntry.objects.filter(kind=EntryKind.ACCRUE)
        assert not accruals.filter(level__gt=min(self.levels, 3)).exists()
        per_line = accruals.values("order_line_id").annotate(n=Count("id"), levels=Count("level", distinct=True))
        assert all(row["n"] == row["levels"] <= self.levels for row in per_line)

    @invariant()
    def a_fully_refunded_order_nets_to_zero(self) -> None:
        for oid, o in self.orders.items():
            if all(o["refunded"][ln] == payable for ln, payable in o["lines"].items()):
                net = selectors.order_commission(order_id=oid)
                assert all(v == 0 for v in net.values()), (oid, net)


@pytest.mark.django_db
def test_distribution_state_machine() -> None:
    run_state_machine_as_test(DistributionMachine, settings=settings(
        max_examples=8, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
