"""Ad billing under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers anyway): 200
concurrent impressions and clicks never overspend the budget, and the spend equals the sum of the billed events
(one row per charge, none billed twice); a member's frequency cap holds under concurrent slots. Transactions
really commit here (transaction=True)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from django.db.models import Count, Sum

from conftest import make_user
from quanzi.ads import services
from quanzi.ads.enums import EventKind
from quanzi.ads.models import AdCampaign, AdEvent
from quanzi.ads.tests.helpers import campaign, topped_up
from quanzi.core.testing import race_in_batches

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20  # the shared PostgreSQL allows 100 connections: 200 calls go through 20 connections started at once


def _in_batches(calls: list[Callable[[], object]], threads: int = THREADS) -> list[str]:
    return race_in_batches(calls, threads)


def _billed(ad: AdCampaign) -> tuple[int, int]:
    ad.refresh_from_db()
    billed = AdEvent.objects.filter(campaign=ad).aggregate(s=Sum("charge_fen"))["s"] or 0
    return ad.spent_fen, int(billed)


def test_200_concurrent_cpm_impressions_never_overspend() -> None:
    ad = campaign(topped_up(), billing="cpm", price_fen=1500, budget_fen=100)  # 67 impressions cost ¥1.00
    members = [make_user(f"看客{i}") for i in range(10)]
    calls: list[Callable[[], object]] = []
    for i in range(200):
        # 170 distinct impressions (some by members, some by visitors) and 30 retries of an earlier token
        token = f"cpm-{i % 170:04d}"
        user = members[i % 10] if i % 3 == 0 else None
        calls.append(lambda token=token, user=user: services.impression_record(  # type: ignore[misc]
            campaign_id=ad.pk, user=user, placement="feed", token=token))
    ad.frequency_cap = 50
    AdCampaign.objects.filter(pk=ad.pk).update(frequency_cap=50)
    outcomes = Counter(_in_batches(calls))
    assert set(outcomes) <= {"ok", "ad_over_budget"}, outcomes
    spent, billed = _billed(ad)
    assert spent == billed == 100 <= ad.budget_fen
    impressions = AdEvent.objects.filter(campaign=ad, kind=EventKind.IMPRESSION)
    assert impressions.count() == ad.billed_units == 67
    assert not impressions.values("key").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_200_concurrent_impressions_and_clicks_on_a_cpc_campaign() -> None:
    ad = campaign(topped_up(), billing="cpc", price_fen=7, budget_fen=350)  # 50 clicks at most
    shown = [services.impression_record(campaign_id=ad.pk, user=None, placement="feed", token=f"pre-{i:03d}").token
             for i in range(80)]
    clicker = make_user("点击者")
    calls: list[Callable[[], object]] = []
    for i in range(200):
        if i % 2:  # 100 clicks: 80 distinct impressions, 20 clicked twice
            token = shown[(i // 2) % 80]
            calls.append(lambda token=token: services.click_record(token=token, user=clicker))  # type: ignore[misc]
        else:  # 100 new impressions at the same time
            calls.append(lambda i=i: services.impression_record(  # type: ignore[misc]
                campaign_id=ad.pk, user=None, placement="feed", token=f"live-{i:03d}"))
    outcomes = Counter(_in_batches(calls))
    assert set(outcomes) <= {"ok", "ad_over_budget"}, outcomes
    spent, billed = _billed(ad)
    clicks = AdEvent.objects.filter(campaign=ad, kind=EventKind.CLICK)
    assert spent == billed <= ad.budget_fen
    assert spent == 350 and clicks.count() == 50 == ad.billed_units  # the budget ran out, exactly
    assert set(clicks.values_list("charge_fen", flat=True)) == {7}
    assert not AdEvent.objects.filter(campaign=ad, kind=EventKind.IMPRESSION, charge_fen__gt=0).exists()


def test_a_members_frequency_cap_holds_under_concurrent_slots() -> None:
    ad = campaign(topped_up(), billing="cpm", price_fen=1000, budget_fen=10_000, frequency_cap=3)
    member = make_user("一个人")
    calls: list[Callable[[], object]] = [
        lambda: services.impression_record(campaign_id=ad.pk, user=member, placement="feed") for _ in range(20)]
    outcomes = Counter(_in_batches(calls, threads=10))
    assert outcomes == {"ok": 3, "frequency_capped": 17}, outcomes
    spent, billed = _billed(ad)
    assert spent == billed == 3 and AdEvent.objects.filter(user=member).count() == 3
