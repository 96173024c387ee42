import pytest
from django.test import Client

from conftest import make_user
from quanzi.catalog.enums import MerchantStatus
from quanzi.catalog.models import Merchant
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.core.models import Event
from quanzi.orders import services as order_services
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_product_page_shows_price_exemption_and_community_context():
    c = f.community()
    kol = make_user("达人")
    f.add_member(c, kol, Role.KOL)
    p, _sku = f.product_with_sku(f.approved_merchant(), price_fen=12900, title="山茶花面霜",
                                 return_exemption="hygiene_opened")
    post = f.post(c, kol, title="我的空瓶记")
    from quanzi.catalog import services

    services.shelf_add(user=kol, community_id=c.pk, product_id=p.pk)
    services.post_product_attach(user=kol, post_id=post.pk, product_id=p.pk)
    html = Client().get(f"/shop/p/{p.pk}/").content.decode()
    assert "山茶花面霜" in html and "¥129.00" in html and "不支持七天无理由退货" in html
    assert c.name in html and "我的空瓶记" in html
    assert "山茶花面霜" in Client().get("/shop/?q=山茶").content.decode()


def test_off_shelf_product_page_is_404_for_shoppers():
    p, _ = f.product_with_sku(f.approved_merchant(), on_shelf=False)
    assert Client().get(f"/shop/p/{p.pk}/").status_code == 404


def test_card_click_through_logs_the_touch_and_redirects():
    c = f.community()
    kol, reader = make_user("达人"), make_user("读者")
    f.add_member(c, kol, Role.KOL)
    p, _ = f.product_with_sku(f.approved_merchant())
    post = f.post(c, kol)
    from quanzi.catalog import services

    services.post_product_attach(user=kol, post_id=post.pk, product_id=p.pk)
    r = _client(reader).get(f"/shop/card/{post.pk}/{p.pk}/?s=tok")
    assert r.status_code == 302 and r["Location"] == f"/shop/p/{p.pk}/"
    e = Event.objects.get(name="product.card_click")
    assert (e.user_id, e.props["post_id"], e.share_token) == (reader.pk, post.pk, "tok")


def test_merchant_console_apply_then_ship(member):
    c = _client(member)
    r = c.post("/shop/merchant/", {"business_name": "小红的店", "licence_no": "9133", "contact_name": "小红",
                                   "contact_phone": "13800000000"})
    assert r.status_code == 302
    m = Merchant.objects.get(user=member)
    assert m.status == MerchantStatus.APPLIED
    assert "审核中" in c.get("/shop/merchant/").content.decode()
    from quanzi.catalog import services

    services.merchant_approve(operator=f.operator(), merchant_id=m.pk)
    _p, sku = f.product_with_sku(m)
    buyer = make_user("买家")
    o = place(buyer, [(sku.pk, 1)]).orders.get()
    order_services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref="p1")
    html = c.get("/shop/merchant/").content.decode()
    assert o.number in html and "发货" in html
    r = c.post(f"/shop/merchant/orders/{o.pk}/ship/", {"carrier": "顺丰", "tracking_no": "SF12345678"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "SF12345678" in r.content.decode()
    o.refresh_from_db()
    assert o.status == "shipped"
    # another merchant's console cannot ship it
    other = f.approved_merchant()
    r = _client(other.user).post(f"/shop/merchant/orders/{o.pk}/ship/", {"carrier": "x", "tracking_no": "12345"})
    assert r.status_code == 404


def test_post_page_shows_its_product_cards_linking_through_the_card_click():
    c = f.community()
    kol = make_user("达人")
    f.add_member(c, kol, Role.KOL)
    p, _ = f.product_with_sku(f.approved_merchant(), price_fen=5900, title="运动速干衣")
    post = f.post(c, kol, title="夏天跑步穿什么")
    from quanzi.catalog import services
    from quanzi.content import services as content_services

    services.post_product_attach(user=kol, post_id=post.pk, product_id=p.pk)
    html = Client().get(f"/p/{post.pk}/").content.decode()
    assert "运动速干衣" in html and "¥59.00" in html
    assert f'href="/shop/card/{post.pk}/{p.pk}/"' in html
    share = content_services.share_create(user=kol, post=post)
    shared = Client().get(f"/s/{share.token}/").content.decode()
    assert f'href="/shop/card/{post.pk}/{p.pk}/?s={share.token}"' in shared


def test_product_page_carries_its_link_card_with_the_first_picture():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quanzi.catalog import services
    from quanzi.content.tests.conftest import png

    merchant = f.approved_merchant()
    p, _sku = f.product_with_sku(merchant, price_fen=12900, title="山茶花面霜")
    picture = png("cream.png")
    services.product_image_add(user=merchant.user, product_id=p.pk,
                               image=SimpleUploadedFile("cream.png", picture.read(), content_type="image/png"))
    html = Client().get(f"/shop/p/{p.pk}/").content.decode()
    assert '<meta property="og:title" content="山茶花面霜">' in html
    assert '<meta property="og:type" content="product">' in html
    assert f'<meta property="og:url" content="http://testserver/shop/p/{p.pk}/">' in html
    assert '<meta property="og:image" content="http://testserver/media/products/' in html
