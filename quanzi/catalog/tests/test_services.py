from decimal import Decimal

import pytest

from conftest import make_user
from quanzi.catalog import selectors, services
from quanzi.catalog.enums import MerchantStatus, ReturnExemption, StockReason
from quanzi.catalog.models import PostProduct, Sku, StockMovement
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db


def test_merchant_onboarding_needs_an_operator(member, other):
    m = services.merchant_apply(user=member, business_name="小红的店", licence_no="91330100", contact_name="小红",
                                contact_phone="13800000000")
    assert m.status == MerchantStatus.APPLIED and m.commission_rate == Decimal("0.0500")
    with pytest.raises(Conflict):
        services.merchant_apply(user=member, business_name="又一家", licence_no="1", contact_name="a",
                                contact_phone="1")
    with pytest.raises(PermissionDenied) as exc:
        services.merchant_approve(operator=other, merchant_id=m.pk)
    assert exc.value.code == "not_operator"
    op = f.operator()
    m = services.merchant_approve(operator=op, merchant_id=m.pk, commission_rate=Decimal("0.08"))
    assert m.status == MerchantStatus.APPROVED and m.commission_rate == Decimal("0.0800") and m.reviewed_by == op
    m = services.merchant_suspend(operator=op, merchant_id=m.pk, reason="资质过期")
    assert m.status == MerchantStatus.SUSPENDED
    with pytest.raises(Conflict) as exc:
        services.merchant_suspend(operator=op, merchant_id=m.pk, reason="again")
    assert exc.value.code == "illegal_transition"


def test_commission_rate_must_be_a_decimal_fraction():
    m = services.merchant_apply(user=make_user(), business_name="店", licence_no="1", contact_name="a",
                                contact_phone="138")
    with pytest.raises(InvalidInput):
        services.merchant_approve(operator=f.operator(), merchant_id=m.pk, commission_rate=Decimal("1.5"))


def test_rejected_applicant_can_apply_again(member):
    m = services.merchant_apply(user=member, business_name="店", licence_no="1", contact_name="a",
                                contact_phone="138")
    services.merchant_reject(operator=f.operator(), merchant_id=m.pk, reason="执照不清晰")
    again = services.merchant_apply(user=member, business_name="店", licence_no="2", contact_name="a",
                                    contact_phone="138")
    assert again.pk == m.pk and again.status == MerchantStatus.APPLIED and again.licence_no == "2"


def test_only_approved_merchants_list_products(member):
    services.merchant_apply(user=member, business_name="店", licence_no="1", contact_name="a", contact_phone="1")
    with pytest.raises(PermissionDenied) as exc:
        services.product_create(user=member, category_id=f.category().pk, title="面霜")
    assert exc.value.code == "not_merchant"


def test_product_lifecycle_and_shelf():
    merchant = f.approved_merchant()
    cat = f.category()
    p = services.product_create(user=merchant.user, category_id=cat.pk, title="面霜", tags=["保湿", "保湿", "敏感肌"],
                                return_exemption=ReturnExemption.HYGIENE_OPENED)
    assert p.tags == ["保湿", "敏感肌"] and not p.on_shelf
    with pytest.raises(InvalidInput) as exc:
        services.product_set_shelf(user=merchant.user, product_id=p.pk, on_shelf=True)
    assert exc.value.code == "no_sku"
    sku = services.sku_create(user=merchant.user, product_id=p.pk, spec={"颜色": "红", "尺码": "M"},
                              price_fen=12900, member_price_fen=11900, stock=5, weight_g=300)
    services.product_set_shelf(user=merchant.user, product_id=p.pk, on_shelf=True)
    assert selectors.product_get(product_id=p.pk).pk == p.pk
    assert sku.spec == {"颜色": "红", "尺码": "M"}
    assert list(StockMovement.objects.filter(sku=sku).values_list("delta", "reason")) == [(5, StockReason.ADJUST)]
    services.product_set_shelf(user=merchant.user, product_id=p.pk, on_shelf=False)
    with pytest.raises(NotFound):
        selectors.product_get(product_id=p.pk, user=make_user())
    assert selectors.product_get(product_id=p.pk, user=merchant.user).pk == p.pk  # the owner still sees it


@pytest.mark.parametrize("price,member_price", [(0, None), (-1, None), (100, 200), (10**9, None)])
def test_bad_prices_are_refused(price, member_price):
    merchant = f.approved_merchant()
    p, _sku = f.product_with_sku(merchant, on_shelf=False)
    with pytest.raises(InvalidInput) as exc:
        services.sku_create(user=merchant.user, product_id=p.pk, spec={}, price_fen=price,
                            member_price_fen=member_price)
    assert exc.value.code == "invalid_price"


def test_merchant_cannot_touch_another_merchants_products():
    a, b = f.approved_merchant(), f.approved_merchant()
    p, sku = f.product_with_sku(a)
    with pytest.raises(NotFound):
        services.product_update(user=b.user, product_id=p.pk, title="抢走")
    with pytest.raises(NotFound):
        services.product_set_shelf(user=b.user, product_id=p.pk, on_shelf=False)
    with pytest.raises(NotFound):
        services.sku_update(user=b.user, sku_id=sku.pk, price_fen=1)
    with pytest.raises(NotFound):
        services.sku_stock_adjust(user=b.user, sku_id=sku.pk, delta=-1)
    p.refresh_from_db()
    sku.refresh_from_db()
    assert p.on_shelf and sku.price_fen == 9900 and sku.stock == 10


def test_stock_adjust_never_goes_negative_and_writes_the_ledger():
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, stock=3)
    services.sku_stock_adjust(user=m.user, sku_id=sku.pk, delta=-2)
    with pytest.raises(InvalidInput) as exc:
        services.sku_stock_adjust(user=m.user, sku_id=sku.pk, delta=-2)
    assert exc.value.code == "invalid_stock"
    sku.refresh_from_db()
    assert sku.stock == 1
    assert sum(StockMovement.objects.filter(sku=sku).values_list("delta", flat=True)) == 1


def test_stock_reserve_is_conditional():
    _p, sku = f.product_with_sku(f.approved_merchant(), stock=2)
    assert services.stock_reserve(sku_id=sku.pk, quantity=2)
    assert not services.stock_reserve(sku_id=sku.pk, quantity=1)
    assert Sku.objects.get(pk=sku.pk).stock == 0


def test_db_refuses_negative_stock():
    from django.db import IntegrityError, transaction

    _p, sku = f.product_with_sku(f.approved_merchant(), stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sku.objects.filter(pk=sku.pk).update(stock=-1)


def test_suspending_a_merchant_takes_its_products_out_of_sale():
    m = f.approved_merchant()
    p, _sku = f.product_with_sku(m)
    assert p in selectors.product_list()
    services.merchant_suspend(operator=f.operator(), merchant_id=m.pk, reason="违规")
    assert p not in selectors.product_list()
    with pytest.raises(NotFound):
        selectors.product_get(product_id=p.pk)


def test_product_list_search_and_category_tree():
    m = f.approved_merchant()
    root = f.category("美妆")
    child = f.category("面霜", parent=root)
    p1, _ = f.product_with_sku(m, title="玻尿酸面霜", cat=child)
    p2, _ = f.product_with_sku(m, title="运动水壶", cat=f.category("运动"))
    assert list(selectors.product_list(category_id=root.pk)) == [p1]
    assert list(selectors.product_list(search="水壶")) == [p2]


def test_shelf_needs_pick_products_permission():
    c = f.community()
    kol, plain = make_user("达人"), make_user("路人")
    f.add_member(c, kol, Role.KOL)
    f.add_member(c, plain)
    p, _ = f.product_with_sku(f.approved_merchant())
    with pytest.raises(PermissionDenied):
        services.shelf_add(user=plain, community_id=c.pk, product_id=p.pk)
    with pytest.raises(PermissionDenied):
        services.shelf_add(user=make_user(), community_id=c.pk, product_id=p.pk)  # not a member
    services.shelf_add(user=kol, community_id=c.pk, product_id=p.pk)
    services.shelf_add(user=c.owner, community_id=c.pk, product_id=p.pk)  # twice: still one
    assert list(selectors.community_shelf(community=c)) == [p]
    services.shelf_remove(user=kol, community_id=c.pk, product_id=p.pk)
    assert list(selectors.community_shelf(community=c)) == []


def test_off_shelf_product_cannot_be_picked():
    c = f.community()
    p, _ = f.product_with_sku(f.approved_merchant(), on_shelf=False)
    with pytest.raises(DomainError) as exc:
        services.shelf_add(user=c.owner, community_id=c.pk, product_id=p.pk)
    assert exc.value.code == "product_off_shelf"


def test_post_product_card_rules_and_context():
    c = f.community()
    kol, plain = make_user("达人"), make_user("路人")
    f.add_member(c, kol, Role.KOL)
    f.add_member(c, plain)
    p, _ = f.product_with_sku(f.approved_merchant())
    kol_post, plain_post = f.post(c, kol), f.post(c, plain)
    with pytest.raises(PermissionDenied):
        services.post_product_attach(user=plain, post_id=plain_post.pk, product_id=p.pk)  # no pick_products
    with pytest.raises(PermissionDenied) as exc:
        services.post_product_attach(user=c.owner, post_id=kol_post.pk, product_id=p.pk)  # not the author
    assert exc.value.code == "not_post_author"
    services.post_product_attach(user=kol, post_id=kol_post.pk, product_id=p.pk)
    services.shelf_add(user=kol, community_id=c.pk, product_id=p.pk)
    assert PostProduct.objects.filter(post=kol_post, product=p).count() == 1
    ctx = selectors.product_context(product=p, user=None)
    assert [x.pk for x in ctx.communities] == [c.pk]
    assert [x.pk for x in ctx.posts] == [kol_post.pk]
    assert list(selectors.post_products(post_id=kol_post.pk)) == [p]


def test_card_click_is_logged_for_attribution():
    c = f.community()
    kol, reader = make_user("达人"), make_user("读者")
    f.add_member(c, kol, Role.KOL)
    p, _ = f.product_with_sku(f.approved_merchant())
    post = f.post(c, kol)
    with pytest.raises(NotFound):
        services.product_card_click(user=reader, post_id=post.pk, product_id=p.pk)  # no such card yet
    services.post_product_attach(user=kol, post_id=post.pk, product_id=p.pk)
    services.product_card_click(user=reader, post_id=post.pk, product_id=p.pk, share_token="tok123")
    e = Event.objects.get(name="product.card_click")
    assert (e.user_id, e.object_id, e.community_id, e.share_token, e.props["post_id"]) == (
        reader.pk, p.pk, c.pk, "tok123", post.pk)


def test_absurd_numbers_are_refused_with_codes_not_crashes():
    from quanzi.catalog import services
    from quanzi.core.errors import InvalidInput

    m = f.approved_merchant()
    p, sku = f.product_with_sku(m, stock=5)
    huge = 10**30
    for call, code in [
        (lambda: services.sku_stock_adjust(user=m.user, sku_id=sku.pk, delta=huge), "invalid_delta"),
        (lambda: services.sku_update(user=m.user, sku_id=sku.pk, price_fen=huge), "invalid_price"),
        (lambda: services.sku_update(user=m.user, sku_id=sku.pk, weight_g=huge), "invalid_weight"),
        (lambda: services.sku_create(user=m.user, product_id=p.pk, spec={}, price_fen=100, stock=huge),
         "invalid_stock"),
        (lambda: services.sku_stock_adjust(user=m.user, sku_id=sku.pk, delta=services.MAX_STOCK), "invalid_stock"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            call()
        assert exc.value.code == code
    sku.refresh_from_db()
    assert sku.stock == 5



def test_editing_a_sku_never_undoes_a_reservation_made_meanwhile(monkeypatch):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, stock=10, price_fen=1000)
    stale = Sku.objects.select_related("product").get(pk=sku.pk)  # what the merchant's edit read
    assert services.stock_reserve(sku_id=sku.pk, quantity=3)  # a buyer reserves in between
    monkeypatch.setattr(services, "_own_sku", lambda user, sku_id: stale)
    services.sku_update(user=m.user, sku_id=sku.pk, price_fen=1200)
    sku.refresh_from_db()
    assert (sku.price_fen, sku.stock) == (1200, 7)
