"""Helpers for the group-buy tests: a shop with a campaign, and members opening, joining and paying through the
real checkout and the sandbox gateway (the hooks run after commit, so the tests that pay use transaction=True)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.growth.groupbuy import services
from quanzi.growth.groupbuy.models import GroupBuyCampaign, GroupBuyGroup, GroupBuyMember
from quanzi.orders import services as orders
from quanzi.orders.models import Order
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox


def shop(*, price_fen: int = 10000, stock: int = 100) -> tuple[Any, Sku]:
    merchant = f.approved_merchant()
    _product, sku = f.product_with_sku(merchant, price_fen=price_fen, stock=stock, title="山茶花修护面霜")
    return merchant, sku


def campaign(merchant: Any, sku: Sku, *, size: int = 3, group_price_fen: int = 6000, **kwargs: Any) -> GroupBuyCampaign:
    now = timezone.now()
    kwargs.setdefault("starts_at", now - dt.timedelta(minutes=1))
    kwargs.setdefault("ends_at", now + dt.timedelta(days=3))
    return services.campaign_create(user=merchant.user, sku_id=sku.pk, group_price_fen=group_price_fen,
                                    group_size=size, **kwargs)


def address_id(user: User) -> int:
    existing = user.addresses.first()
    if existing is not None:
        return int(existing.pk)
    return int(orders.address_create(user=user, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                     district="西湖区", detail="文三路 100 号").pk)


def open_group(user: User, c: GroupBuyCampaign, *, quantity: int = 1) -> Order:
    checkout = services.group_open(user=user, campaign_id=c.pk, address_id=address_id(user),
                                   idempotency_key=uuid.uuid4().hex, quantity=quantity)
    return checkout.orders.get()


def join(user: User, group: GroupBuyGroup, *, quantity: int = 1, token: str = "") -> Order:
    checkout = services.group_join(user=user, group_id=group.pk, address_id=address_id(user),
                                   idempotency_key=uuid.uuid4().hex, quantity=quantity, share_token=token)
    return checkout.orders.get()


def pay(user: User, order: Order) -> None:
    payment = payments.payment_create(user=user, order_id=order.pk, gateway="sandbox")
    outcome = pay_with_sandbox(payment)
    assert outcome.ok, outcome


def group_of(order: Order) -> GroupBuyGroup:
    return GroupBuyMember.objects.get(order=order).group


def members(n: int, prefix: str = "团员") -> list[User]:
    return [make_user(f"{prefix}{i}") for i in range(n)]


def expire(group: GroupBuyGroup) -> None:
    GroupBuyGroup.objects.filter(pk=group.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
