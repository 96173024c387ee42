"""Advertising services: the balance through the cashier and its ledger, the campaign's life (draft → review →
active → ended) with the budget reserved and released, CPM / CPC billing exactly, frequency caps, targeting and
the non-personalised switch, the bad-input codes, and an order credited to the click that led to it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from conftest import make_user
from quanzi.ads import selectors, services
from quanzi.ads.enums import CampaignStatus, EventKind
from quanzi.ads.models import AdCampaign, AdConversion, AdEvent, AdLedgerEntry, AdTopUp
from quanzi.ads.tests.helpers import campaign, fields, pay, topped_up
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.orders import services as orders
from quanzi.orders.tests.helpers import address
from quanzi.recommend import services as recommend_services

pytestmark = pytest.mark.django_db


def _code(fn, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return str(exc.value.code)


def test_a_top_up_is_paid_at_the_cashier_and_booked_once() -> None:
    merchant = f.approved_merchant()
    topup = services.topup_create(user=merchant.user, amount_fen=50_000, idempotency_key="topup-key-1")
    assert services.topup_create(user=merchant.user, amount_fen=50_000, idempotency_key="topup-key-1").pk == topup.pk
    assert services.balance_of(merchant_id=merchant.pk) == 0  # not before it is paid
    pay(merchant.user, topup.order_id)
    orders.moments_dispatch_due(older_than_seconds=0, order_id=topup.order_id)  # a second run books nothing
    topup.refresh_from_db()
    assert topup.status == "paid"
    assert services.balance_of(merchant_id=merchant.pk) == 50_000
    assert list(AdLedgerEntry.objects.values_list("kind", "amount_fen")) == [("topup", 50_000)]
    assert Event.objects.filter(name="ad.topup_paid").count() == 1


def test_only_an_approved_merchant_tops_up_or_buys_ads() -> None:
    assert _code(services.topup_create, user=make_user("路人"), amount_fen=1000, idempotency_key="x") == \
        "not_merchant"
    merchant = f.approved_merchant()
    assert _code(services.topup_create, user=merchant.user, amount_fen=0, idempotency_key="x") == "invalid_amount"
    assert not AdTopUp.objects.exists()


def test_submit_reserves_the_budget_and_review_gates_the_ad() -> None:
    merchant = topped_up(20_000)
    draft = services.campaign_create(user=merchant.user, **fields(merchant, budget_fen=15_000))
    # a draft is never shown: its creative is not reviewed
    assert _code(services.impression_record, campaign_id=draft.pk, user=None, placement="feed") == \
        "creative_not_reviewed"
    services.campaign_submit(user=merchant.user, campaign_id=draft.pk)
    assert services.balance_of(merchant_id=merchant.pk) == 5_000
    assert _code(services.impression_record, campaign_id=draft.pk, user=None, placement="feed") == \
        "creative_not_reviewed"
    # a second campaign cannot reserve more than is left
    other = services.campaign_create(user=merchant.user, **fields(merchant, budget_fen=6_000))
    assert _code(services.campaign_submit, user=merchant.user, campaign_id=other.pk) == "ad_balance_insufficient"
    other.refresh_from_db()
    assert other.status == CampaignStatus.DRAFT and services.balance_of(merchant_id=merchant.pk) == 5_000
    # rejected: the budget comes back; changed and submitted again: reserved again
    operator = f.operator()
    services.campaign_review(operator=operator, campaign_id=draft.pk, approve=False, note="图片不清晰")
    assert services.balance_of(merchant_id=merchant.pk) == 20_000
    services.campaign_update(user=merchant.user, campaign_id=draft.pk,
                             **fields(merchant, budget_fen=15_000, image=None, title="换一张图"))
    services.campaign_submit(user=merchant.user, campaign_id=draft.pk)
    services.campaign_review(operator=operator, campaign_id=draft.pk, approve=True)
    assert services.balance_of(merchant_id=merchant.pk) == 5_000
    assert services.impression_record(campaign_id=draft.pk, user=None, placement="feed").charge_fen == 0
    assert _code(services.campaign_review, operator=merchant.user, campaign_id=draft.pk, approve=True) == \
        "not_operator"


def test_another_merchants_campaign_is_refused() -> None:
    mine = campaign(topped_up())
    stranger = f.approved_merchant()
    for fn in (services.campaign_pause, services.campaign_end, services.campaign_submit):
        assert _code(fn, user=stranger.user, campaign_id=mine.pk) == "campaign_not_yours"
    assert _code(services.campaign_update, user=stranger.user, campaign_id=mine.pk, **fields(stranger)) == \
        "campaign_not_yours"
    mine.refresh_from_db()
    assert mine.status == CampaignStatus.ACTIVE


def test_bad_campaign_input_has_clear_codes() -> None:
    merchant = topped_up()
    now = timezone.now()
    foreign, _sku = f.product_with_sku(f.approved_merchant())
    cases = {
        "invalid_schedule": {"ends_at": now - dt.timedelta(hours=1), "starts_at": now - dt.timedelta(hours=2)},
        "invalid_budget": {"budget_fen": 0},
        "invalid_price": {"price_fen": 0},
        "invalid_placement": {"placement": "popup"},
        "invalid_target": {"product": foreign, "target_product_id": foreign.pk},
        "invalid_creative": {"title": ""},
    }
    for code, override in cases.items():
        assert _code(services.campaign_create, user=merchant.user, **fields(merchant, **override)) == code, code
    assert _code(services.campaign_create, user=merchant.user,
                 **fields(merchant, target_product_id=None, target_path="https://evil.example/")) == "invalid_target"
    assert _code(services.campaign_create, user=merchant.user,
                 **fields(merchant, target_community_id=999_999)) == "invalid_targeting"
    assert not AdCampaign.objects.exists()


def test_cpm_spreads_the_price_per_thousand_exactly_and_stops_at_the_budget() -> None:
    merchant = topped_up()
    ad = campaign(merchant, billing="cpm", price_fen=1500, budget_fen=100)  # ¥15 per thousand, ¥1 budget
    charges = []
    for _ in range(80):
        try:
            charges.append(services.impression_record(campaign_id=ad.pk, user=None, placement="feed").charge_fen)
        except DomainError as exc:
            assert exc.code == "ad_over_budget"
            break
    ad.refresh_from_db()
    # n impressions cost floor(n × 1500 / 1000): 67 cost exactly ¥1.00, the 68th would pass the budget
    assert len(charges) == 67 and sum(charges) == 100 == ad.spent_fen
    assert set(charges) == {1, 2}
    assert ad.spent_fen <= ad.budget_fen
    assert AdEvent.objects.filter(campaign=ad).aggregate(s=Sum("charge_fen"))["s"] == ad.spent_fen


def test_cpc_bills_each_impression_click_once_and_refuses_over_budget() -> None:
    merchant = topped_up()
    ad = campaign(merchant, billing="cpc", price_fen=40, budget_fen=100)
    member = make_user("点广告的")
    tokens = []
    for _ in range(3):
        tokens.append(services.impression_record(campaign_id=ad.pk, user=None, placement="feed").token)
    first = services.click_record(token=tokens[0], user=member)
    assert services.click_record(token=tokens[0], user=member).pk == first.pk  # the same click again: not billed
    services.click_record(token=tokens[1], user=member)
    ad.refresh_from_db()
    assert ad.spent_fen == 80
    assert _code(services.click_record, token=tokens[2], user=member) == "ad_over_budget"  # 120 > 100
    # and the ad is no longer shown: a click could not be billed
    assert _code(services.impression_record, campaign_id=ad.pk, user=None, placement="feed") == "ad_over_budget"
    assert selectors.ad_candidates(placement="feed", user=None) == []
    ad.refresh_from_db()
    assert ad.spent_fen == 80 == AdEvent.objects.filter(campaign=ad).aggregate(s=Sum("charge_fen"))["s"]
    assert _code(services.click_record, token="never-shown", user=member) == "unknown_ad"


def test_outside_its_schedule_an_ad_is_not_shown() -> None:
    merchant = topped_up()
    now = timezone.now()
    later = campaign(merchant, starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=2))
    assert _code(services.impression_record, campaign_id=later.pk, user=None, placement="feed") == \
        "ad_outside_schedule"
    assert selectors.ad_candidates(placement="feed", user=None) == []


def test_frequency_cap_per_member_per_day() -> None:
    merchant = topped_up()
    ad = campaign(merchant, frequency_cap=2)
    member = make_user("看广告的")
    services.impression_record(campaign_id=ad.pk, user=member, placement="feed")
    assert selectors.ad_candidates(placement="feed", user=member) == [ad]
    services.impression_record(campaign_id=ad.pk, user=member, placement="feed")
    assert selectors.ad_candidates(placement="feed", user=member) == []
    assert _code(services.impression_record, campaign_id=ad.pk, user=member, placement="feed") == \
        "frequency_capped"
    assert AdEvent.objects.filter(campaign=ad, user=member).count() == 2
    # another member, and a visitor, still see it
    assert selectors.ad_candidates(placement="feed", user=make_user("别人")) == [ad]


def test_targeting_and_the_non_personalised_switch() -> None:
    merchant = topped_up()
    group = f.community()
    inside, outside = make_user("社群成员"), make_user("非成员")
    f.add_member(group, inside)
    open_ad = campaign(merchant, name="所有人", placement="home")
    targeted = campaign(merchant, name="定向", placement="home", target_community_id=group.pk)
    assert {c.pk for c in selectors.ad_candidates(placement="home", user=inside)} == {open_ad.pk, targeted.pk}
    assert [c.pk for c in selectors.ad_candidates(placement="home", user=outside)] == [open_ad.pk]
    assert [c.pk for c in selectors.ad_candidates(placement="home", user=None)] == [open_ad.pk]
    recommend_services.preference_set(user=inside, personalised=False)
    assert [c.pk for c in selectors.ad_candidates(placement="home", user=inside)] == [open_ad.pk]


def test_an_order_paid_after_a_click_is_credited_to_the_campaign() -> None:
    merchant = topped_up()
    product, sku = f.product_with_sku(merchant, price_fen=5000, stock=20)
    ad = campaign(merchant, product=product, target_product_id=product.pk, price_fen=30)
    buyer = make_user("买家")
    token = services.impression_record(campaign_id=ad.pk, user=buyer, placement="feed").token
    services.click_record(token=token, user=buyer)
    checkout = orders.order_place(user=buyer, address_id=address(buyer).pk, idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, 2)])
    order = checkout.orders.get()
    pay(buyer, order.pk)
    orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
    conversion = AdConversion.objects.get()
    assert conversion.campaign_id == ad.pk and conversion.order_id == order.pk
    assert conversion.amount_fen == order.payable_fen
    report = selectors.campaign_report(campaign=ad)
    assert (report.impressions, report.clicks, report.orders, report.spent_fen) == (1, 1, 1, 30)
    assert report.ctr_percent is not None and str(report.ctr_percent) == "100.00"
    assert report.roi == (Decimal(conversion.amount_fen) / Decimal(30)).quantize(Decimal("0.01"))
    # someone who never clicked buys too: not credited
    other = make_user("没点广告")
    checkout = orders.order_place(user=other, address_id=address(other).pk, idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, 1)])
    pay(other, checkout.orders.get().pk)
    assert AdConversion.objects.count() == 1


def test_ending_gives_back_the_unspent_budget_once() -> None:
    merchant = topped_up(10_000)
    ad = campaign(merchant, billing="cpc", price_fen=100, budget_fen=10_000)
    token = services.impression_record(campaign_id=ad.pk, user=None, placement="feed").token
    services.click_record(token=token, user=None)
    services.campaign_end(user=merchant.user, campaign_id=ad.pk)
    assert services.balance_of(merchant_id=merchant.pk) == 10_000 - 100
    assert _code(services.campaign_end, user=merchant.user, campaign_id=ad.pk) == "illegal_transition"
    assert services.campaigns_end_due() == 0
    assert services.balance_of(merchant_id=merchant.pk) == 9_900
    assert _code(services.impression_record, campaign_id=ad.pk, user=None, placement="feed") == \
        "campaign_not_active"


def test_the_job_ends_campaigns_past_their_schedule() -> None:
    merchant = topped_up(10_000)
    ad = campaign(merchant, budget_fen=5_000)
    AdCampaign.objects.filter(pk=ad.pk).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.campaigns_end_due() == 1
    assert services.campaigns_end_due() == 0
    ad.refresh_from_db()
    assert ad.status == CampaignStatus.ENDED and services.balance_of(merchant_id=merchant.pk) == 10_000
    assert AdEvent.objects.filter(kind=EventKind.IMPRESSION).count() == 0
