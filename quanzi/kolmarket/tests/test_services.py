"""Deals through the services: propose, accept (products on the KOL's shelf), counter and the merchant's answer,
decline, withdraw, expiry by the job; answering twice or after the deadline is refused with its code and changes
nothing; who may do what; the terms' checks; the directory's figures, filters and sort."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.content import services as content
from quanzi.core.errors import DomainError
from quanzi.kolmarket import selectors, services
from quanzi.kolmarket.enums import DealStatus, EntryKind
from quanzi.kolmarket.models import Deal, DealEntry, DealStatusChange, KolProfile
from quanzi.kolmarket.tests.helpers import propose, terms, world

pytestmark = pytest.mark.django_db


def code(fn: Any, **kw: Any) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kw)
    return str(exc.value.code)


def snapshot(deal: Deal) -> tuple[Any, ...]:
    deal.refresh_from_db()
    return (deal.status, deal.commission_rate, deal.fixed_fee_fen, deal.accepted_at,
            DealStatusChange.objects.filter(deal=deal).count(), DealEntry.objects.filter(deal=deal).count())


def shelf_of(community: Any) -> set[int]:
    from quanzi.catalog.selectors import community_shelf

    return set(community_shelf(community=community).values_list("pk", flat=True))


def test_propose_then_accept_puts_the_products_on_the_kols_shelf():
    w = world()
    deal = propose(w)
    assert deal.status == DealStatus.PROPOSED and deal.shelf_community_id == w.community.pk
    assert [str(n) for n in Notification.objects.filter(recipient=w.kol)] == [
        f"{w.merchant.business_name} 邀请你合作推广：佣金 20%，固定费 ¥500.00"]
    assert shelf_of(w.community) == set()
    services.deal_accept(user=w.kol, deal_id=deal.pk)
    deal.refresh_from_db()
    assert deal.status == DealStatus.ACCEPTED and deal.accepted_at is not None
    assert deal.service_fee_rate == Decimal("0.05")
    assert shelf_of(w.community) == {w.product.pk}
    assert [c.to_status for c in deal.status_changes.all()] == ["proposed", "accepted"]
    assert deal.status_changes.last().terms["commission_rate"] == "0.2000"
    assert [str(n) for n in Notification.objects.filter(recipient=w.merchant.user) if "合作" in str(n)] == [
        "护肤达人 接受了合作，商品已上架到达人货架"]
    # the agreed rate is what distribution asks for, on the deal's products, within the period only
    now = timezone.now()
    assert selectors.agreed_kol_rate(w.kol.pk, w.product.pk, now) == Decimal("0.2")
    assert selectors.agreed_kol_rate(w.kol.pk, w.other_product.pk, now) is None
    assert selectors.agreed_kol_rate(w.kol.pk, w.product.pk, now + dt.timedelta(days=40)) is None


def test_accepting_twice_is_refused_and_changes_nothing():
    w = world()
    deal = propose(w)
    services.deal_accept(user=w.kol, deal_id=deal.pk)
    before = snapshot(deal)
    assert code(services.deal_accept, user=w.kol, deal_id=deal.pk) == "deal_closed"
    assert code(services.deal_decline, user=w.kol, deal_id=deal.pk) == "deal_closed"
    assert snapshot(deal) == before


def test_accepting_after_the_deadline_is_refused_even_before_the_job_ran():
    w = world()
    deal = propose(w)
    before = snapshot(deal)
    later = deal.expires_at + dt.timedelta(seconds=1)
    assert code(services.deal_accept, user=w.kol, deal_id=deal.pk, now=later) == "deal_expired"
    assert snapshot(deal) == before  # still proposed: the job expires it
    assert services.deals_expire_due(now=later) == 1
    assert services.deals_expire_due(now=later) == 0
    deal.refresh_from_db()
    assert deal.status == DealStatus.EXPIRED
    after = snapshot(deal)
    assert code(services.deal_accept, user=w.kol, deal_id=deal.pk) == "deal_expired"
    assert snapshot(deal) == after
    assert shelf_of(w.community) == set()


def test_counter_then_the_merchant_accepts_the_new_terms():
    w = world()
    deal = propose(w)
    t = terms(commission_rate=Decimal("0.25"), fixed_fee_fen=80000, message="佣金提到 25% 就接")
    assert code(services.deal_accept, user=w.merchant.user, deal_id=deal.pk) == "not_your_turn"
    services.deal_counter(user=w.kol, deal_id=deal.pk, **t)
    deal.refresh_from_db()
    assert (deal.status, deal.commission_rate, deal.fixed_fee_fen) == (DealStatus.COUNTERED, Decimal("0.25"), 80000)
    assert code(services.deal_accept, user=w.kol, deal_id=deal.pk) == "not_your_turn"  # the merchant's turn now
    services.deal_accept(user=w.merchant.user, deal_id=deal.pk)
    deal.refresh_from_db()
    assert deal.status == DealStatus.ACCEPTED
    assert [c.to_status for c in deal.status_changes.all()] == ["proposed", "countered", "accepted"]
    history = list(deal.status_changes.all())
    assert history[0].terms["fixed_fee_fen"] == 50000 and history[1].terms["fixed_fee_fen"] == 80000
    assert shelf_of(w.community) == {w.product.pk}  # shelved as the KOL, whoever accepted


def test_the_merchant_declines_a_counter_and_the_kol_declines_a_proposal():
    w = world()
    deal = propose(w)
    services.deal_counter(user=w.kol, deal_id=deal.pk, **terms(commission_rate=Decimal("0.4")))
    services.deal_decline(user=w.merchant.user, deal_id=deal.pk, note="太高了")
    deal.refresh_from_db()
    assert deal.status == DealStatus.DECLINED and deal.status_changes.last().note == "太高了"
    second = propose(w)
    services.deal_decline(user=w.kol, deal_id=second.pk)
    second.refresh_from_db()
    assert second.status == DealStatus.DECLINED
    assert shelf_of(w.community) == set()


def test_the_merchant_withdraws_an_open_proposal_only():
    w = world()
    deal = propose(w)
    assert code(services.deal_withdraw, user=w.kol, deal_id=deal.pk) == "not_your_turn"
    services.deal_withdraw(user=w.merchant.user, deal_id=deal.pk)
    deal.refresh_from_db()
    assert deal.status == DealStatus.WITHDRAWN
    assert code(services.deal_accept, user=w.kol, deal_id=deal.pk) == "deal_closed"


def test_strangers_and_bad_terms_are_refused_and_write_nothing():
    w = world()
    stranger = make_user("路人")
    deal = propose(w)
    assert code(services.deal_accept, user=stranger, deal_id=deal.pk) == "deal_not_found"
    assert code(services.deal_accept, user=w.kol, deal_id=999999) == "deal_not_found"
    assert code(services.deal_propose, user=stranger, kol_id=w.kol.pk, product_ids=[w.product.pk],
                **terms()) == "not_merchant"
    other_shop = f.approved_merchant()
    theirs, _sku = f.product_with_sku(other_shop, title="别家的")
    bad: list[tuple[dict[str, Any], str]] = [
        ({"product_ids": [theirs.pk]}, "product_not_owned"),
        ({"product_ids": []}, "invalid_terms"),
        ({"kol_id": stranger.pk}, "kol_not_found"),
        ({"commission_rate": Decimal("0.6")}, "invalid_terms"),
        ({"commission_rate": Decimal("0")}, "invalid_terms"),
        ({"commission_rate": "abc"}, "invalid_terms"),
        ({"fixed_fee_fen": -1}, "invalid_terms"),
        ({"ends_on": timezone.localdate() - dt.timedelta(days=2)}, "invalid_terms"),
        ({"posts_required": 51}, "invalid_terms"),
        ({"message": "长" * 301}, "invalid_terms"),
    ]
    count = Deal.objects.count()
    for over, expected in bad:
        kw = {"kol_id": w.kol.pk, "product_ids": [w.product.pk], **terms()}
        kw.update(over)
        assert code(services.deal_propose, user=w.merchant.user, **kw) == expected, over
    assert Deal.objects.count() == count


def test_a_member_who_picks_products_nowhere_cannot_list():
    assert code(services.profile_join, user=make_user("普通会员")) == "not_kol"


def test_the_fixed_fee_is_owed_once_the_deliverables_are_met():
    w = world()
    deal = propose(w, posts_required=1)
    services.deal_accept(user=w.kol, deal_id=deal.pk)
    assert services.deal_settle_fee(deal_id=deal.pk) == []  # no post yet
    post = content.post_create(author=w.kol, community=w.community, title="空瓶记", body="用完第三瓶")
    from quanzi.catalog import services as catalog

    catalog.post_product_attach(user=w.kol, post_id=post.pk, product_id=w.product.pk)
    assert [p.pk for p in selectors.deliverables_of(deal).posts] == [post.pk]
    assert services.deals_sweep() == 0  # books the fee; the period is not over
    assert services.deals_sweep() == 0
    got = {e.kind: e.amount_fen for e in DealEntry.objects.filter(deal=deal)}
    assert got == {EntryKind.FIXED_FEE: 50000, EntryKind.FEE_SERVICE: 2500}
    deal.refresh_from_db()
    assert deal.service_fee_fen == 2500 == selectors.service_fees_total()
    assert sum(selectors.service_fees_by_day(None).values()) == 2500


def test_the_sweep_ends_deals_past_their_period():
    w = world()
    deal = propose(w, posts_required=0, fixed_fee_fen=0)
    services.deal_accept(user=w.kol, deal_id=deal.pk)
    assert services.deals_sweep(now=timezone.now() + dt.timedelta(days=40)) == 1
    deal.refresh_from_db()
    assert deal.status == DealStatus.COMPLETED


def test_directory_filters_and_sorts_on_the_cached_figures():
    w = world()
    big = make_user("健身达人")
    gym = f.community()
    from quanzi.communities.models import Community

    Community.objects.filter(pk=gym.pk).update(vertical="fitness")
    f.add_member(gym, big, Role.KOL)
    services.profile_join(user=big, bio="健身教练")
    fans = [make_user(f"粉丝{i}") for i in range(3)]
    from quanzi.accounts.services import follow

    for fan in fans:
        follow(follower=fan, followee_id=big.pk)
    services.profile_refresh(user_id=big.pk)
    p = KolProfile.objects.get(user=big)
    assert p.followers == 3 and p.verticals == "|fitness|" and p.community_ids == f"|{gym.pk}|"
    all_ = selectors.directory(filters=selectors.DirectoryFilters())
    assert [x.user_id for x in all_] == [big.pk, w.kol.pk]  # most followers first
    by = selectors.directory(filters=selectors.DirectoryFilters(vertical="fitness"))
    assert [x.user_id for x in by] == [big.pk]
    assert [x.user_id for x in selectors.directory(filters=selectors.DirectoryFilters(followers_min=1,
                                                                                    followers_max=2))] == []
    assert [x.user_id for x in selectors.directory(filters=selectors.DirectoryFilters(
        community_id=w.community.pk))] == [w.kol.pk]
    assert [x.user_id for x in selectors.directory(filters=selectors.DirectoryFilters(q="教练"))] == [big.pk]
    services.profile_leave(user=big)
    assert [x.user_id for x in selectors.directory(filters=selectors.DirectoryFilters())] == [w.kol.pk]
