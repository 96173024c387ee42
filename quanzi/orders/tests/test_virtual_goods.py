"""Virtual goods (a membership plan, a red packet's funding): a platform SKU bought through the normal checkout
and cashier with no address, delivered the moment it is paid, its `paid` moment seen by plug-ins, kept out of
the shop's lists; a cart that also holds goods to ship still needs an address."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import Fulfilment, ReturnExemption
from quanzi.catalog.models import Merchant, Product, Sku, StockMovement
from quanzi.catalog.services import platform_merchant, virtual_sku_ensure
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.orders import services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderStatusChange
from quanzi.orders.tests.probe_app.models import ProbeSeen
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox

pytestmark = pytest.mark.django_db


def _buy(user, items, address_id=None) -> Order:  # type: ignore[no-untyped-def]
    checkout = services.order_place(user=user, address_id=address_id, idempotency_key=uuid.uuid4().hex,
                                    items=items)
    return checkout.orders.get()


def test_virtual_sku_is_made_once_kept_up_to_date_and_hidden_from_the_shop() -> None:
    sku_id = virtual_sku_ensure(key="test:plan:1", title="月卡", price_fen=1500)
    again = virtual_sku_ensure(key="test:plan:1", title="月度会员", price_fen=1990)
    assert again == sku_id
    sku = Sku.objects.select_related("product__merchant").get(pk=sku_id)
    assert (sku.price_fen, sku.product.title, sku.product.fulfilment) == (1990, "月度会员", Fulfilment.VIRTUAL)
    assert sku.product.return_exemption == ReturnExemption.DIGITAL
    assert sku.product.merchant.is_platform and sku.product.merchant == platform_merchant()
    assert Merchant.objects.filter(is_platform=True).count() == 1
    assert not sku.product.merchant.user.is_active and not sku.product.merchant.user.has_usable_password()
    assert not Product.objects.filter(catalog_selectors.sellable_q(), pk=sku.product_id).exists()
    assert sum(StockMovement.objects.filter(sku=sku).values_list("delta", flat=True)) == sku.stock


@pytest.mark.parametrize("price", [0, -1, "10"])
def test_a_virtual_sku_needs_a_positive_whole_fen_price(price) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        virtual_sku_ensure(key="test:bad", title="x", price_fen=price)
    assert exc.value.code == "invalid_price"
    assert not Product.objects.filter(system_key="test:bad").exists()


def test_a_virtual_order_needs_no_address_and_is_delivered_on_payment(  # type: ignore[no-untyped-def]
        member, django_capture_on_commit_callbacks) -> None:
    sku_id = virtual_sku_ensure(key="test:plan:2", title="年卡", price_fen=12800)
    order = _buy(member, [(sku_id, 1)])
    assert order.is_virtual and order.ship_address == "" and order.shipping_fen == 0
    assert order.payable_fen == 12800 and order.status == OrderStatus.PENDING_PAYMENT
    payment = payments.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    with django_capture_on_commit_callbacks(execute=True):
        assert pay_with_sandbox(payment).ok
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.delivered_at == order.paid_at
    moves = list(OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status"))
    assert moves == [("", "pending_payment"), ("pending_payment", "paid"), ("paid", "delivered")]
    # plug-ins hear `paid` once, as for any order
    assert ProbeSeen.objects.filter(order_id=order.pk, moment="paid").count() == 1
    # the after-sales window counts from delivery; then the order completes like any other
    later = timezone.now() + dt.timedelta(days=30)
    settled = services.order_settle_due(order=Order.objects.get(pk=order.pk), now=later)
    assert settled.status == OrderStatus.COMPLETED


def test_goods_to_ship_in_the_same_checkout_still_need_an_address(member) -> None:  # type: ignore[no-untyped-def]
    virtual = virtual_sku_ensure(key="test:plan:3", title="周卡", price_fen=500)
    _product, physical = f.product_with_sku(f.approved_merchant(), price_fen=3000)
    before = Order.objects.count()
    with pytest.raises(DomainError) as exc:
        _buy(member, [(virtual, 1), (physical.pk, 1)])
    assert exc.value.code == "address_missing"
    assert Order.objects.count() == before


def test_no_discount_touches_a_virtual_good_nor_counts_it_towards_a_threshold(member) -> None:  # type: ignore[no-untyped-def]
    """A coupon that takes ¥4 off a basket of at least ¥50 (counted over the lines it sees)."""
    from quanzi.orders import pricing
    from quanzi.orders.selectors import quote_for

    def coupon(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
        if sum(ln.goods_payable_fen for ln in ctx.lines) < 5000:
            return []
        return [pricing.Adjustment(stage="coupon", label="满50减4", amount_fen=400, source="test:coupon")]

    pricing.COUPON_ADJUSTERS.append(coupon)
    try:
        packet = Sku.objects.select_related("product__merchant").get(
            pk=virtual_sku_ensure(key="test:redpacket:10000", title="红包 ¥100", price_fen=10000))
        _product, goods = f.product_with_sku(f.approved_merchant(), price_fen=3000)
        goods = Sku.objects.select_related("product__merchant").get(pk=goods.pk)
        alone = quote_for(user=member, items=[(packet, 1)], options={})
        assert alone.total_fen == 10000 and alone.discount_fen == 0
        # ¥100 of red packet + ¥30 of goods: the goods alone are under the threshold, so no coupon at all
        mixed = quote_for(user=member, items=[(packet, 1), (goods, 1)], options={})
        assert mixed.discount_fen == 0
        assert not [a for a in mixed.adjustments if a.amount_fen]
        two = quote_for(user=member, items=[(packet, 1), (goods, 2)], options={})
        by_sku = {ln.sku_id: ln for ln in two.lines}
        assert by_sku[packet.pk].coupon_discount_fen == 0 and by_sku[goods.pk].coupon_discount_fen == 400
    finally:
        pricing.COUPON_ADJUSTERS.remove(coupon)


def test_the_platform_gets_no_settlement_statement_for_its_own_sales() -> None:
    virtual_sku_ensure(key="test:plan:4", title="季卡", price_fen=3000)
    seller = f.approved_merchant()
    settled = list(catalog_selectors.merchants_selling_or(merchant_ids=[[platform_merchant().pk]]))
    assert seller in settled and platform_merchant() not in settled
