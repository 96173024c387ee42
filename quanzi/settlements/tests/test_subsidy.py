"""The platform subsidy (平台补贴): what the platform paid for on a merchant's lines — a platform coupon, the
red-packet balance a buyer spent — is paid to the merchant with the sale and taken back, share for share, with a
refund; the merchant's own shop coupon is the merchant's discount and pays nothing back."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.catalog.tests.factories import approved_merchant, operator, product_with_sku
from quanzi.growth.coupons.enums import CouponScope
from quanzi.growth.coupons.tests.helpers import claim, pay, place, template
from quanzi.growth.redpackets import services as redpackets
from quanzi.orders import funding
from quanzi.payments import services as payments
from quanzi.settlements import services
from quanzi.settlements.enums import LineKind
from quanzi.settlements.periods import Period

pytestmark = pytest.mark.django_db


def _this_month() -> Period:
    today = timezone.localdate()
    return Period.month(today.year, today.month)


def test_platform_coupon_and_balance_are_paid_to_the_merchant_and_taken_back_on_refund() -> None:
    m = approved_merchant(rate="0.0500")
    _p, sku = product_with_sku(m, price_fen=6000, stock=20)
    ops = operator()
    buyer = make_user()
    platform_coupon = claim(buyer, template(ops))  # 满100减20, the platform's
    shop_coupon = claim(buyer, template(m.user, scope=CouponScope.MERCHANT, name="店铺券", amount_fen=1000,
                                        threshold_fen=5000))
    redpackets.balance_grant(operator=ops, user_id=buyer.pk, amount_fen=800, reference=uuid.uuid4().hex)
    order = place(buyer, [(sku, 2)], coupons=[platform_coupon, shop_coupon], balance_fen=800).orders.get()
    order = pay(buyer, order)
    line = order.lines.get()
    assert line.coupon_discount_fen == 2000 + 1000
    # the platform coupon and the balance are the platform's; the shop coupon is the merchant's own
    assert funding.platform_funded_by_line(line_ids=[line.pk]) == {line.pk: 2000 + 800}

    s = services.statement_generate(merchant=m, period=_this_month())
    sale = s.lines.get(kind=LineKind.SALE)
    assert sale.amount_fen == order.payable_fen and sale.subsidy_fen == 2800
    assert s.subsidy_fen == 2800
    assert s.net_fen == s.sales_fen - s.refunds_fen + s.subsidy_fen - s.commission_fen == sale.net_fen

    # a partial refund takes back its share; the rest takes back exactly what is left
    half = order.payable_fen // 2
    for amount in (half, order.payable_fen - half):
        r = payments.refund_create(order_id=order.pk, amount_fen=amount, refund_no=f"R{uuid.uuid4().hex[:20]}",
                                   reason="质量问题", lines={line.pk: amount})
        payments.refund_submit(refund_id=r.pk)
    s = services.statement_generate(merchant=m, period=_this_month())
    taken_back = [ln.subsidy_fen for ln in s.lines.filter(kind=LineKind.REFUND).order_by("id")]
    assert len(taken_back) == 2 and all(v < 0 for v in taken_back) and sum(taken_back) == -2800
    assert s.subsidy_fen == 0
    assert s.net_fen == sum(ln.net_fen for ln in s.lines.all()) == -s.commission_fen + s.sales_fen - s.refunds_fen


def test_a_plain_order_has_no_subsidy() -> None:
    m = approved_merchant()
    _p, sku = product_with_sku(m, price_fen=3000, stock=5)
    buyer = make_user()
    order = pay(buyer, place(buyer, [(sku, 1)]).orders.get())
    s = services.statement_generate(merchant=m, period=_this_month())
    assert s.subsidy_fen == 0 and s.lines.get().subsidy_fen == 0
    assert s.net_fen == order.payable_fen - s.commission_fen
