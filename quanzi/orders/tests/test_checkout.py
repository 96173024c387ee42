import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.catalog import services as catalog
from quanzi.catalog.enums import StockReason
from quanzi.catalog.models import Sku, StockMovement
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.content import services as content
from quanzi.core.enums import TouchKind
from quanzi.core.errors import DomainError
from quanzi.core.events import touch_record
from quanzi.core.models import Event, Touch
from quanzi.orders import pricing, selectors, services
from quanzi.orders.enums import OrderStatus, ShippingMode
from quanzi.orders.models import CartItem, CheckoutSession, Order, OrderStatusChange
from quanzi.orders.tests.helpers import address, key, place

pytestmark = pytest.mark.django_db


def _code(fn, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return exc.value.code


def test_checkout_splits_per_merchant_reserves_stock_and_records_commission(member):
    a, b = f.approved_merchant(rate="0.0500"), f.approved_merchant(rate="0.1000")
    _pa, sa = f.product_with_sku(a, price_fen=9900, stock=5)
    _pb, sb = f.product_with_sku(b, price_fen=1999, stock=5)
    checkout = place(member, [(sa.pk, 2), (sb.pk, 3)])
    orders = list(checkout.orders.order_by("merchant_id"))
    assert [o.merchant_id for o in orders] == sorted([a.pk, b.pk])
    by_merchant = {o.merchant_id: o for o in orders}
    oa, ob = by_merchant[a.pk], by_merchant[b.pk]
    assert oa.payable_fen == 19800 and ob.payable_fen == 5997
    assert checkout.total_fen == 19800 + 5997
    assert oa.commission_fen == 990 and ob.commission_fen == 600  # 599.7 rounds half-up
    assert oa.status == OrderStatus.PENDING_PAYMENT and oa.number and oa.number != ob.number
    assert oa.expires_at is not None and oa.expires_at > timezone.now() + dt.timedelta(minutes=14)
    line = oa.lines.get()
    assert (line.title, line.spec, line.quantity, line.unit_price_fen) == (sa.product.title, {"规格": "50ml"}, 2,
                                                                          9900)
    assert Sku.objects.get(pk=sa.pk).stock == 3 and Sku.objects.get(pk=sb.pk).stock == 2
    mv = StockMovement.objects.get(sku=sa, reason=StockReason.RESERVE)
    assert (mv.delta, mv.order_id) == (-2, oa.pk)
    assert OrderStatusChange.objects.filter(order=oa, to_status=OrderStatus.PENDING_PAYMENT).count() == 1
    assert Event.objects.filter(name="order.place", user=member).count() == 1


def test_replay_of_the_same_key_returns_the_first_checkout(member):
    _p, sku = f.product_with_sku(f.approved_merchant(), stock=5)
    addr = address(member)
    k = key()
    first = services.order_place(user=member, address_id=addr.pk, idempotency_key=k, items=[(sku.pk, 1)])
    again = services.order_place(user=member, address_id=addr.pk, idempotency_key=k, items=[(sku.pk, 1)])
    assert again.pk == first.pk
    # the same key with another body: refused (issue #16), never the first checkout's answer
    assert _code(services.order_place, user=member, address_id=addr.pk, idempotency_key=k,
                 items=[(sku.pk, 4)]) == "idempotency_key_reused"
    assert Order.objects.filter(buyer=member).count() == 1 and Sku.objects.get(pk=sku.pk).stock == 4


def test_refusals_have_clear_codes_and_write_nothing(member):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, stock=1)
    off, off_sku = f.product_with_sku(m, on_shelf=False)
    addr = address(member)

    def attempt(**kw):  # type: ignore[no-untyped-def]
        args = {"user": member, "address_id": addr.pk, "idempotency_key": key(), "items": [(sku.pk, 1)]}
        args.update(kw)
        return _code(services.order_place, **args)

    assert attempt(items=None) == "empty_cart"
    assert attempt(items=[]) == "empty_cart"
    assert attempt(items=[(sku.pk, 0)]) == "invalid_quantity"
    assert attempt(items=[(sku.pk, 1000)]) == "invalid_quantity"
    assert attempt(address_id=None) == "address_missing"
    assert attempt(address_id=address(make_user()).pk) == "address_missing"  # someone else's address
    assert attempt(items=[(off_sku.pk, 1)]) == "product_off_shelf"
    assert attempt(items=[(sku.pk, 2)]) == "out_of_stock"
    assert attempt(expected_total_fen=1) == "price_changed"
    assert attempt(idempotency_key="") == "idempotency_key_missing"
    assert not Order.objects.exists() and not CheckoutSession.objects.exists()
    assert Sku.objects.get(pk=sku.pk).stock == 1


def test_out_of_stock_on_one_line_rolls_back_the_other_merchants_reservation(member):
    _pa, sa = f.product_with_sku(f.approved_merchant(), stock=5)
    _pb, sb = f.product_with_sku(f.approved_merchant(), stock=1)
    with pytest.raises(DomainError) as exc:
        place(member, [(sa.pk, 1), (sb.pk, 2)])
    assert exc.value.code == "out_of_stock" and exc.value.details["sku_id"] == sb.pk
    assert Sku.objects.get(pk=sa.pk).stock == 5 and not StockMovement.objects.filter(reason="reserve").exists()


def test_price_changed_since_the_cart_is_refused_then_accepted_with_the_new_total(member):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=1000)
    services.cart_add(user=member, sku_id=sku.pk, quantity=2)
    seen = selectors.cart_view(user=member).quote
    assert seen is not None and seen.total_fen == 2000
    catalog.sku_update(user=m.user, sku_id=sku.pk, price_fen=1200)
    addr = address(member)
    with pytest.raises(DomainError) as exc:
        services.order_place(user=member, address_id=addr.pk, idempotency_key=key(), expected_total_fen=2000)
    assert exc.value.code == "price_changed" and exc.value.details["total_fen"] == 2400
    checkout = services.order_place(user=member, address_id=addr.pk, idempotency_key=key(), expected_total_fen=2400)
    assert checkout.total_fen == 2400
    assert not CartItem.objects.filter(cart__user=member).exists()  # bought lines leave the cart


def test_shipping_template_by_piece_with_free_threshold(member):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=1000, stock=20)
    services.shipping_template_set(user=m.user, mode=ShippingMode.PIECE, first_units=1, first_fee_fen=800,
                                   additional_units=1, additional_fee_fen=200, free_threshold_fen=5000)
    o = place(member, [(sku.pk, 3)]).orders.get()
    assert (o.goods_fen, o.shipping_fen, o.payable_fen) == (3000, 1200, 4200)
    assert sum(o.lines.values_list("shipping_fen", flat=True)) == 1200
    o = place(member, [(sku.pk, 5)]).orders.get()
    assert o.shipping_fen == 0 and o.payable_fen == 5000


def test_shipping_by_weight(member):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=1000, stock=20, weight_g=700)
    services.shipping_template_set(user=m.user, mode=ShippingMode.WEIGHT, first_units=1000, first_fee_fen=1000,
                                   additional_units=500, additional_fee_fen=300)
    o = place(member, [(sku.pk, 3)]).orders.get()  # 2100 g: first 1000 g + 3 × 500 g
    assert o.shipping_fen == 1000 + 3 * 300


def test_member_price_and_coupon_plug_in_through_the_registries(member, monkeypatch):
    m = f.approved_merchant()
    _p1, s1 = f.product_with_sku(m, price_fen=1000, member_price_fen=900)
    _p2, s2 = f.product_with_sku(m, price_fen=333)
    monkeypatch.setattr(pricing, "MEMBER_CHECKS", [lambda user: user.pk == member.pk])
    monkeypatch.setattr(pricing, "COUPON_ADJUSTERS",
                        [lambda ctx: [pricing.Adjustment(stage="coupon", amount_fen=500, source="coupon:1")]])
    o = place(member, [(s1.pk, 2), (s2.pk, 1)]).orders.get()
    lines = {ln.sku_id: ln for ln in o.lines.all()}
    assert lines[s1.pk].member_discount_fen == 200
    assert sum(ln.coupon_discount_fen for ln in lines.values()) == 500
    assert o.discount_fen == 700 and o.payable_fen == 2000 + 333 - 700
    assert all(ln.payable_fen == ln.list_fen - ln.member_discount_fen - ln.coupon_discount_fen + ln.shipping_fen
               for ln in lines.values())
    # commission is on what the buyer pays for the goods
    assert o.commission_fen == sum(ln.commission_fen for ln in lines.values())


def test_expired_reservation_is_free_when_read_even_without_a_job(member, other):
    _p, sku = f.product_with_sku(f.approved_merchant(), stock=1)
    first = place(member, [(sku.pk, 1)]).orders.get()
    assert _code(services.order_place, user=other, address_id=address(other).pk, idempotency_key=key(),
                 items=[(sku.pk, 1)]) == "out_of_stock"
    Order.objects.filter(pk=first.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    first.refresh_from_db()
    assert selectors.order_status_now(first) == OrderStatus.CANCELLED
    assert list(selectors.order_list_for_buyer(user=member, status=OrderStatus.CANCELLED)) == [first]
    assert not selectors.order_list_for_buyer(user=member, status=OrderStatus.PENDING_PAYMENT).exists()
    second = place(other, [(sku.pk, 1)]).orders.get()  # the expired reservation is released first
    first.refresh_from_db()
    assert first.status == OrderStatus.CANCELLED and first.stock_released
    assert second.status == OrderStatus.PENDING_PAYMENT and Sku.objects.get(pk=sku.pk).stock == 0
    assert StockMovement.objects.filter(sku=sku, reason=StockReason.RELEASE).count() == 1
    services.order_settle(order_id=first.pk)  # a late job changes nothing: stock came back exactly once
    assert Sku.objects.get(pk=sku.pk).stock == 0


def _share_setup():  # type: ignore[no-untyped-def]
    c = f.community()
    kol, sharer = make_user("达人"), make_user("分享者")
    f.add_member(c, kol, Role.KOL)
    f.add_member(c, sharer)
    p, sku = f.product_with_sku(f.approved_merchant())
    post = f.post(c, kol)
    catalog.post_product_attach(user=kol, post_id=post.pk, product_id=p.pk)
    return c, kol, sharer, p, sku, post


def test_order_line_records_the_last_touch_through_a_share(member):
    from quanzi.content.models import Share

    c, kol, sharer, p, sku, post = _share_setup()
    Share.objects.create(post=post, sharer=sharer, community=c, token="share-tok-1")
    content.post_view(viewer=member, post=post, share_token="share-tok-1")
    line = place(member, [(sku.pk, 1)]).orders.get().lines.get()
    assert (line.share_token, line.post_id, line.sharer_id, line.kol_id, line.community_id) == (
        "share-tok-1", post.pk, sharer.pk, kol.pk, c.pk)


def test_card_click_is_a_touch_and_the_latest_wins(member):
    from quanzi.content.models import Share

    c, kol, sharer, p, sku, post = _share_setup()
    Share.objects.create(post=post, sharer=sharer, community=c, token="share-tok-2")
    content.post_view(viewer=member, post=post, share_token="share-tok-2")
    catalog.product_card_click(user=member, post_id=post.pk, product_id=p.pk)
    line = place(member, [(sku.pk, 1)]).orders.get().lines.get()
    assert (line.share_token, line.post_id, line.sharer_id, line.kol_id) == ("", post.pk, None, kol.pk)


def test_touches_older_than_seven_days_or_of_other_users_give_no_credit(member, other):
    c, kol, sharer, p, sku, post = _share_setup()
    catalog.product_card_click(user=other, post_id=post.pk, product_id=p.pk)
    catalog.product_card_click(user=member, post_id=post.pk, product_id=p.pk)
    Touch.objects.filter(user=member).update(created_at=timezone.now() - dt.timedelta(days=8))
    line = place(member, [(sku.pk, 1)]).orders.get().lines.get()
    assert line.post_id is None and line.kol_id is None and line.community_id is None


def test_view_of_a_post_without_this_products_card_gives_no_credit(member):
    c, kol, sharer, p, sku, post = _share_setup()
    _p2, sku2 = f.product_with_sku(f.approved_merchant())
    touch_record(user=member, kind=TouchKind.SHARE_VIEW, post_id=post.pk, share_token="whatever", community_id=c.pk)
    line = place(member, [(sku2.pk, 1)]).orders.get().lines.get()
    assert line.post_id is None


def test_checkout_from_cart_leaves_unavailable_items_in_the_cart(member):
    m = f.approved_merchant()
    p1, s1 = f.product_with_sku(m, price_fen=1000)
    p2, s2 = f.product_with_sku(m, price_fen=2000)
    services.cart_add(user=member, sku_id=s1.pk, quantity=1)
    services.cart_add(user=member, sku_id=s2.pk, quantity=1)
    catalog.product_set_shelf(user=m.user, product_id=p2.pk, on_shelf=False)
    view = selectors.cart_view(user=member)
    assert view.quote is not None and view.quote.total_fen == 1000 and [i.sku_id for i in view.unavailable] == [s2.pk]
    addr = address(member)
    checkout = services.order_place(user=member, address_id=addr.pk, idempotency_key=key(), expected_total_fen=1000)
    assert [ln.sku_id for ln in checkout.orders.get().lines.all()] == [s1.pk]
    assert list(CartItem.objects.filter(cart__user=member).values_list("sku_id", flat=True)) == [s2.pk]
    with pytest.raises(DomainError) as exc:  # only unavailable items left
        services.order_place(user=member, address_id=addr.pk, idempotency_key=key())
    assert exc.value.code == "product_off_shelf"


def test_product_stock_reads_expired_reservations_as_free(member):
    from conftest import api_client

    _p, sku = f.product_with_sku(f.approved_merchant(), stock=2)
    o = place(member, [(sku.pk, 2)]).orders.get()
    url = f"/api/v1/catalog/products/{sku.product_id}"
    assert api_client().get(url).json()["skus"][0]["stock"] == 0
    assert "已售罄" in api_client().get(f"/shop/p/{sku.product_id}/").content.decode()
    Order.objects.filter(pk=o.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_client().get(url).json()["skus"][0]["stock"] == 2  # no job ran, still free when read
    assert "已售罄" not in api_client().get(f"/shop/p/{sku.product_id}/").content.decode()
    assert selectors.available_stock(sku_ids=[sku.pk]) == {sku.pk: 2}
    services.order_settle(order_id=o.pk)  # once released, the count does not double
    assert selectors.available_stock(sku_ids=[sku.pk]) == {sku.pk: 2}
