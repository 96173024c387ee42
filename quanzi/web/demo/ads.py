"""The demo's advertising (issue 13): the demo merchant tops up ¥800 of ad balance at the sandbox cashier, runs
two approved campaigns — a CPM home banner and a CPC feed ad for one of its products in its first community — and
members see them over the last ten days; some click, one of them buys the advertised product after the click (a
credited order). Everything through the ads, order and payment services on the demo clock, so the merchant's
campaign report and the operators' revenue mix have an ads line."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.ads import services as ads
from quanzi.core.errors import DomainError
from quanzi.orders import services as orders
from quanzi.payments import services as payments
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _address, _try
from quanzi.web.demo.images import picture

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld


def _pay(user: User, order_id: int, when: dt.datetime) -> None:
    with transaction.atomic(), clock_at(when):
        payments.sandbox_pay_now(user=user, order_id=order_id)
    with clock_at(when):  # the paid moment's hooks at the demo clock, as after the commit
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order_id)


def build_ads(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
              log: Callable[[str], None]) -> None:
    merchant = shop.merchants.get("demo")
    products = [p for p in shop.products if merchant is not None and p.merchant_id == merchant.pk and p.on_shelf]
    if merchant is None or not products or not world.communities:
        return
    owner, operator = merchant.user, named["operator"]
    start = now - dt.timedelta(days=10)
    with clock_at(start - dt.timedelta(hours=2)):
        topup = ads.topup_create(user=owner, amount_fen=80_000, idempotency_key=uuid.uuid4().hex)
    _pay(owner, topup.order_id, start - dt.timedelta(hours=1, minutes=50))
    product = products[0]
    group = next((c for c in world.communities if merchant.user in world.members.get(c.pk, [])),
                 world.communities[0])
    with transaction.atomic(), clock_at(start - dt.timedelta(hours=1)):
        banner = ads.campaign_create(
            user=owner, name="首页品牌曝光", title=f"{merchant.business_name} · 本周上新", placement="home",
            billing="cpm", price_fen=3000, budget_fen=30_000, starts_at=start, ends_at=now + dt.timedelta(days=20),
            frequency_cap=5, image=picture(rng, "ad-banner", (960, 400)), target_product_id=None,
            target_path="/shop/")
        feed = ads.campaign_create(
            user=owner, name="信息流推广", title=f"{product.title[:24]} 限时优惠", placement="feed",
            billing="cpc", price_fen=60, budget_fen=40_000, starts_at=start, ends_at=now + dt.timedelta(days=20),
            frequency_cap=3, image=picture(rng, "ad-feed", (480, 320)), target_product_id=product.pk)
        for campaign in (banner, feed):
            ads.campaign_submit(user=owner, campaign_id=campaign.pk)
            ads.campaign_review(operator=operator, campaign_id=campaign.pk, approve=True)
    viewers = [u for u in world.members.get(group.pk, world.users) if not u.is_staff and u.pk != owner.pk][:60]
    clicks: list[tuple[User, dt.datetime]] = []
    with transaction.atomic():
        for day in range(10):
            for viewer in rng.sample(viewers, k=min(len(viewers), 18)):
                when = start + dt.timedelta(days=day, hours=rng.randint(8, 22), minutes=rng.randint(0, 59))
                with clock_at(when):
                    for campaign in (banner, feed):
                        try:
                            shown = ads.impression_record(campaign_id=campaign.pk, user=viewer,
                                                          placement=campaign.placement, now=when)
                        except DomainError:
                            continue
                        world.counts["ad_impression"] = world.counts.get("ad_impression", 0) + 1
                        if rng.random() < (0.06 if campaign is feed else 0.02):
                            clicked = when + dt.timedelta(seconds=rng.randint(2, 40))
                            _try(world, "ad_click", ads.click_record, token=shown.token, user=viewer, now=clicked)
                            if campaign is feed:
                                clicks.append((viewer, clicked))
    sku = product.skus.filter(is_active=True).order_by("pk").first()
    for buyer, clicked in clicks[:3]:  # a few of those who clicked the feed ad buy the product
        if sku is None:
            break
        when = clicked + dt.timedelta(minutes=rng.randint(3, 50))
        with transaction.atomic(), clock_at(when):
            checkout = _try(world, "ad_order", orders.order_place, user=buyer,
                            address_id=_address(shop, rng, buyer), idempotency_key=uuid.uuid4().hex,
                            items=[(sku.pk, 1)])
        if checkout is not None:
            _pay(buyer, checkout.orders.get().pk, when + dt.timedelta(minutes=2))
    log(f"  ads: 2 campaigns, {world.counts.get('ad_impression', 0)} impressions, "
        f"{world.counts.get('ad_click', 0)} clicks, {world.counts.get('ad_order', 0)} orders after a click")
