"""A merchant takes back the unspent part of a top-up: never more than the free balance, once per amount, through
payments; an operator's refund of a top-up's order lowers the balance too."""

from __future__ import annotations

import uuid

import pytest

from conftest import make_user
from quanzi.ads import services
from quanzi.ads.enums import LedgerKind
from quanzi.ads.models import AdLedgerEntry, AdTopUp
from quanzi.ads.tests.helpers import campaign, pay, topped_up
from quanzi.core.errors import DomainError
from quanzi.orders import services as orders
from quanzi.orders.models import Order
from quanzi.payments import services as payments
from quanzi.payments.enums import RefundStatus
from quanzi.payments.models import Refund

pytestmark = pytest.mark.django_db


def _code(fn, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        fn(**kwargs)
    return caught.value.code


def _dispatch(order_id: int) -> None:
    """What the jobs do after the commit: send the pending refunds to the (sandbox) gateway, then run the moments'
    hooks."""
    for refund in Refund.objects.filter(order_id=order_id, status=RefundStatus.PENDING):
        payments.refund_submit(refund_id=refund.pk)
    orders.moments_dispatch_due(older_than_seconds=0, order_id=order_id)


def test_the_unspent_part_of_a_top_up_goes_back_once_and_never_the_reserved_budget() -> None:
    merchant = topped_up(50_000)
    topup = AdTopUp.objects.get(merchant=merchant)
    campaign(merchant, budget_fen=20_000)  # 200 yuan reserved by a running campaign: not free
    assert services.balance_of(merchant_id=merchant.pk) == 30_000

    assert services.topup_refund(user=merchant.user, topup_id=topup.pk) == 30_000
    _dispatch(topup.order_id)  # the `refunded` moment finds the entry already booked
    assert services.balance_of(merchant_id=merchant.pk) == 0
    assert services.topup_refunded_fen(topup=topup) == 30_000
    assert AdLedgerEntry.objects.filter(kind=LedgerKind.REFUND).count() == 1
    order = Order.objects.get(pk=topup.order_id)
    assert order.refunded_fen == 30_000
    assert _code(services.topup_refund, user=merchant.user, topup_id=topup.pk) == "nothing_to_refund"
    assert services.balance_of(merchant_id=merchant.pk) == 0  # the refusal changed nothing


def test_top_up_refund_refusals_change_nothing() -> None:
    merchant, other = topped_up(10_000), topped_up(10_000)
    theirs = AdTopUp.objects.get(merchant=other)
    assert _code(services.topup_refund, user=merchant.user, topup_id=theirs.pk) == "topup_not_found"
    assert _code(services.topup_refund, user=merchant.user, topup_id=999_999) == "topup_not_found"
    unpaid = services.topup_create(user=merchant.user, amount_fen=5_000, idempotency_key=uuid.uuid4().hex)
    assert _code(services.topup_refund, user=merchant.user, topup_id=unpaid.pk) == "nothing_to_refund"
    assert _code(services.topup_refund, user=make_user(), topup_id=theirs.pk) == "not_merchant"
    assert services.balance_of(merchant_id=merchant.pk) == 10_000
    assert services.balance_of(merchant_id=other.pk) == 10_000
    assert not AdLedgerEntry.objects.filter(kind=LedgerKind.REFUND).exists()


def test_an_operators_refund_of_a_top_up_order_lowers_the_balance_once() -> None:
    merchant = topped_up(10_000)
    topup = AdTopUp.objects.get(merchant=merchant)
    payments.refund_create(amount_fen=4_000, refund_no="OPS-1", order_id=topup.order_id, reason="运营退款")
    _dispatch(topup.order_id)
    _dispatch(topup.order_id)
    assert services.balance_of(merchant_id=merchant.pk) == 6_000
    assert services.topup_refunded_fen(topup=topup) == 4_000
    # the rest can still be taken back by the merchant, no more
    assert services.topup_refund(user=merchant.user, topup_id=topup.pk) == 6_000
    assert services.balance_of(merchant_id=merchant.pk) == 0


def test_a_second_top_up_is_paid_and_refundable_on_its_own() -> None:
    merchant = topped_up(10_000)
    second = services.topup_create(user=merchant.user, amount_fen=3_000, idempotency_key=uuid.uuid4().hex)
    pay(merchant.user, second.order_id)
    assert services.topup_refund(user=merchant.user, topup_id=second.pk) == 3_000
    assert services.balance_of(merchant_id=merchant.pk) == 10_000


def test_the_ad_centre_offers_the_refund_and_says_what_came_back() -> None:
    from django.test import Client

    merchant = topped_up(8_000)
    topup = AdTopUp.objects.get(merchant=merchant)
    client = Client()
    client.force_login(merchant.user)
    page = client.get("/ads/").content.decode()
    assert f"/ads/topup/{topup.pk}/refund/" in page and "退回未用余额" in page
    done = client.post(f"/ads/topup/{topup.pk}/refund/", follow=True).content.decode()
    assert "已申请退回 ¥80.00" in done
    assert services.balance_of(merchant_id=merchant.pk) == 0
    assert f"/ads/topup/{topup.pk}/refund/" not in done  # nothing left to take back
    again = client.post(f"/ads/topup/{topup.pk}/refund/", follow=True).content.decode()
    assert "没有可退的金额" in again
