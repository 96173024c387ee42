import pytest
from django.template import Context, Template
from django.test import Client

from conftest import make_user
from quanzi.aftersales import services
from quanzi.aftersales.models import AfterSaleRequest, Review
from quanzi.aftersales.tests.helpers import delivered_order, line_of, png, shipped_order, shop
from quanzi.catalog.tests import factories as f

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _request(buyer, order, **kw):  # type: ignore[no-untyped-def]
    line = line_of(order)
    return services.aftersale_request_create(user=buyer, order_id=order.pk, kind=kw.get("kind", "return_and_refund"),
                                             reason=kw.get("reason", "no_reason"), lines=[(line.pk, 1)],
                                             amount_fen=kw.get("amount", line.goods_payable_fen))


def test_apply_form_creates_a_request_with_photos(member, other):
    m, sku = shop(price_fen=5000)
    order = delivered_order(member, m, [(sku, 1)])
    url = f"/orders/{order.pk}/aftersale/new/"
    assert Client().get(url).status_code == 302  # login first
    assert _client(other).get(url).status_code == 404
    page = _client(member).get(url)
    assert page.status_code == 200 and "申请售后" in page.content.decode() and "¥50.00" in page.content.decode()
    line = line_of(order)
    r = _client(member).post(url, {"line": [line.pk], f"qty_{line.pk}": 1, "kind": "return_and_refund",
                                   "reason": "no_reason", "amount": "49.50", "reason_text": "不合适",
                                   "photos": [png(), png()]})
    req = AfterSaleRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/aftersales/{req.pk}/"
    assert req.amount_fen == 4950 and req.photos.count() == 2 and req.reason_text == "不合适"


def test_apply_form_shows_the_rule_that_refused(member):
    m, sku = shop(exemption="custom")
    order = delivered_order(member, m, [(sku, 1)])
    line = line_of(order)
    r = _client(member).post(f"/orders/{order.pk}/aftersale/new/", {
        "line": [line.pk], f"qty_{line.pk}": 1, "kind": "return_and_refund", "reason": "no_reason", "amount": "1"})
    assert r.status_code == 400 and "不支持七天无理由退货" in r.content.decode()
    r = _client(member).post(f"/orders/{order.pk}/aftersale/new/", {
        "line": [line.pk], f"qty_{line.pk}": 1, "kind": "return_and_refund", "reason": "quality", "amount": "1.001"})
    assert r.status_code == 400 and "退款金额" in r.content.decode()
    assert not AfterSaleRequest.objects.exists()


def test_my_aftersales_and_return_shipment_form(member, other):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    req = _request(member, order)
    listing = _client(member).get("/aftersales/").content.decode()
    assert req.number in listing
    assert req.number not in _client(other).get("/aftersales/").content.decode()
    assert _client(other).get(f"/aftersales/{req.pk}/").status_code == 404
    services.aftersale_approve(user=m.user, request_id=req.pk)
    detail = _client(member).get(f"/aftersales/{req.pk}/").content.decode()
    assert 'id="return-ship-form"' in detail
    r = _client(member).post(f"/aftersales/{req.pk}/ship/", {"carrier": "中通", "tracking_no": "ZT12345678"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == "return_shipped" and req.return_tracking_no == "ZT12345678"
    assert _client(other).post(f"/aftersales/{req.pk}/cancel/").status_code == 404


def test_merchant_queue_with_htmx_actions(member, django_capture_on_commit_callbacks):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    req = _request(member, order, kind="refund_only", reason="damaged", amount=3000)
    queue = _client(m.user).get("/shop/merchant/aftersales/").content.decode()
    assert req.number in queue
    other_merchant = f.approved_merchant()
    assert req.number not in _client(other_merchant.user).get("/shop/merchant/aftersales/").content.decode()
    assert _client(other_merchant.user).post(f"/shop/merchant/aftersales/{req.pk}/approve/").status_code == 404
    assert _client(make_user()).get("/shop/merchant/aftersales/").status_code == 403
    hx = {"HTTP_HX_REQUEST": "true"}
    r = _client(m.user).post(f"/shop/merchant/aftersales/{req.pk}/reject/", {"reason": ""}, **hx)
    assert r.status_code == 400 and "请填写拒绝原因" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = _client(m.user).post(f"/shop/merchant/aftersales/{req.pk}/approve/", **hx)
    assert r.status_code == 200 and f'id="as-{req.pk}"' in r.content.decode()
    req.refresh_from_db()
    assert req.status == "refunded"


def test_review_form_and_product_reviews_include(member):
    m, sku = shop()
    order = shipped_order(member, m, [(sku, 1)])
    assert "确认收货后才能评价" in _client(member).get(f"/orders/{order.pk}/review/new/").content.decode()
    order = delivered_order(member, m, [(sku, 1)])
    line = line_of(order)
    r = _client(member).post(f"/orders/{order.pk}/review/new/", {"order_line_id": line.pk, "rating": 4,
                                                             "text": "很滑嫩", "photos": [png()]})
    assert r.status_code == 302 and Review.objects.get().rating == 4
    buyer2 = make_user()
    order2 = delivered_order(buyer2, m, [(sku, 1)])
    bad = services.review_create(user=buyer2, order_line_id=line_of(order2).pk, rating=1, text="广告链接")
    services.review_fold(actor=f.operator(), review_id=bad.pk, reason="广告")
    html = Template('{% include "aftersales/_product_reviews.html" %}').render(Context({"product": sku.product}))
    assert '<span id="rating-average">4.0</span>' in html and "1 条评价" in html
    assert "很滑嫩" in html and "该评价已被折叠" in html
