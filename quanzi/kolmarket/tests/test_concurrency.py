"""Answers racing on PostgreSQL (marked `postgres`: skipped on SQLite, which serialises writers anyway): two
accepts of one proposal let exactly one win (the other gets `deal_closed`), with one audit row and the products
shelved once; an accept racing the merchant's withdrawal lets exactly one of them win."""

from __future__ import annotations

import pytest

from quanzi.core.testing import race
from quanzi.kolmarket import services
from quanzi.kolmarket.enums import DealStatus
from quanzi.kolmarket.models import Deal, DealStatusChange
from quanzi.kolmarket.tests.helpers import propose, world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_double_accept_lets_exactly_one_win():
    w = world()
    deal = propose(w, fixed_fee_fen=0, posts_required=0)
    outcomes = race([lambda: services.deal_accept(user=w.kol, deal_id=deal.pk) for _ in range(4)])
    assert sorted(outcomes) == ["deal_closed", "deal_closed", "deal_closed", "ok"]
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.ACCEPTED
    assert list(DealStatusChange.objects.filter(deal=deal).values_list("to_status", flat=True)) == [
        "proposed", "accepted"]


def test_accept_racing_withdraw_lets_one_win():
    w = world()
    deal = propose(w)
    outcomes = race([lambda: services.deal_accept(user=w.kol, deal_id=deal.pk),
                     lambda: services.deal_withdraw(user=w.merchant.user, deal_id=deal.pk)])
    assert sorted(outcomes) == ["deal_closed", "ok"]
    final = Deal.objects.get(pk=deal.pk).status
    assert final in (DealStatus.ACCEPTED, DealStatus.WITHDRAWN)
    assert DealStatusChange.objects.filter(deal=deal).count() == 2
