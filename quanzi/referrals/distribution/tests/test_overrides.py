"""The KOL rate override registry (`overrides.kol_rate`): an app above distribution (the KOL marketplace) gives the
agreed rate of a KOL on a product; only the KOL's level-1 commission uses it, the others keep the settings'
rates, and an illegal rate is ignored."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from conftest import make_user
from quanzi.referrals.distribution import overrides, services
from quanzi.referrals.distribution.tests.helpers import bind, chain, line, order_id, settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider() -> Iterator[dict[tuple[int, int], Decimal]]:
    agreed: dict[tuple[int, int], Decimal] = {}
    overrides.kol_rate("test", lambda kol_id, product_id, at: agreed.get((kol_id, product_id)))
    yield agreed
    overrides.unregister("test")


def _by_level(written: list) -> dict[tuple[int, int], int]:
    return {(e.order_line_id, e.level): e.amount_fen for e in written}


def test_the_agreed_rate_replaces_the_kol_rate_on_that_product_only(operator, provider):
    settings(operator, kol_rate="0.1", level2_rate="0.05")
    _top, kol_inviter = chain(2)
    kol = make_user("达人")
    bind(kol, kol_inviter)
    buyer = make_user("买家")
    provider[(kol.pk, 7)] = Decimal("0.25")
    on_deal, off_deal = line(10000, product_id=7, kol_id=kol.pk), line(10000, product_id=8, kol_id=kol.pk)
    got = _by_level(services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[on_deal, off_deal]))
    assert got[(on_deal.line_id, 1)] == 2500  # the agreed 25 %
    assert got[(off_deal.line_id, 1)] == 1000  # the settings' KOL rate
    assert got[(on_deal.line_id, 2)] == 500  # level 2 keeps its rate


def test_no_provider_answer_or_an_illegal_rate_keeps_the_settings_rate(operator, provider):
    settings(operator, kol_rate="0.1")
    kol, buyer = make_user("达人"), make_user("买家")
    provider[(kol.pk, 7)] = Decimal("0.9")  # above the legal maximum: ignored
    ln = line(10000, product_id=7, kol_id=kol.pk)
    assert _by_level(services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[ln])) == {
        (ln.line_id, 1): 1000}


def test_a_sharer_at_level_one_is_not_paid_the_kols_agreed_rate(operator, provider):
    settings(operator, kol_rate="0.1", level1_rate="0.05")
    kol, sharer, buyer = make_user("达人"), make_user("分享人"), make_user("买家")
    provider[(kol.pk, 7)] = Decimal("0.3")
    provider[(sharer.pk, 7)] = Decimal("0.3")
    ln = line(10000, product_id=7, kol_id=kol.pk, sharer_id=sharer.pk)
    assert _by_level(services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[ln])) == {
        (ln.line_id, 1): 500}
