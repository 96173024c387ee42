"""The merchant console's pages (products with SKUs and pictures, batch shipping from a sheet, the export, the
overview, the carrier list) and the KOL centre: who may see them, what they do, and bad input changing nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from conftest import make_user
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Product, Sku, StockMovement
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.orders import services as order_services
from quanzi.orders.models import Order, Shipment
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _paid_order(merchant, *, price_fen: int = 9900, buyer=None) -> Order:  # type: ignore[no-untyped-def]
    _p, sku = f.product_with_sku(merchant, price_fen=price_fen)
    o = place(buyer or make_user("买家"), [(sku.pk, 1)]).orders.get()
    order_services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref=f"p{o.pk}")
    o.refresh_from_db()
    return o


@pytest.mark.parametrize("url", ["/shop/merchant/products/", "/shop/merchant/products/new/",
                                 "/shop/merchant/ship/batch/", "/shop/merchant/overview/",
                                 "/shop/merchant/orders/export.xlsx", "/shop/merchant/ship/template.xlsx"])
def test_only_an_approved_merchant_gets_in(url):
    assert Client().get(url).status_code == 302  # to the login
    assert _client(make_user()).get(url).status_code == 403
    m = f.approved_merchant()
    assert _client(m.user).get(url).status_code == 200


def _new_product_form(cat_id: int, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "速干跑步T恤", "category": str(cat_id), "description": "轻薄透气", "return_exemption": "none",
        "sku_rows": "3", "sku-0-spec": "颜色:黑", "sku-0-price": "129", "sku-0-stock": "20",
        "sku-1-spec": "颜色:白", "sku-1-price": "139.90", "sku-1-member_price": "129.9", "sku-1-stock": "8",
        "on_shelf": "1", "images": f.png_upload()}
    data.update(extra)
    return data


def test_a_merchant_creates_a_product_with_two_skus_and_a_picture_on_the_web():
    m = f.approved_merchant()
    cat = f.category("运动")
    r = _client(m.user).post("/shop/merchant/products/new/", _new_product_form(cat.pk))
    assert r.status_code == 302
    p = Product.objects.get(merchant=m)
    assert r["Location"] == f"/shop/merchant/products/{p.pk}/"
    assert p.on_shelf and p.images.count() == 1
    assert list(p.skus.order_by("id").values_list("spec", "price_fen", "member_price_fen", "stock")) == [
        ({"颜色": "黑"}, 12900, None, 20), ({"颜色": "白"}, 13990, 12990, 8)]
    html = _client(m.user).get(f"/shop/merchant/products/{p.pk}/").content.decode()
    assert "速干跑步T恤" in html and 'value="139.90"' in html and "颜色:白" in html
    listing = _client(m.user).get("/shop/merchant/products/").content.decode()
    assert "¥129.00" in listing and "¥139.90" in listing


@pytest.mark.parametrize("extra,message", [
    ({"sku-1-price": "12.345"}, "第 2 个规格"),
    ({"sku-0-stock": "-1"}, "第 1 个规格"),
    ({"title": ""}, "标题"),
    ({"category": ""}, "请选择类目"),
    ({"sku-0-price": "", "sku-0-spec": "", "sku-0-stock": "", "sku-1-price": "", "sku-1-spec": "",
      "sku-1-stock": "", "sku-1-member_price": ""}, "至少填写一个规格"),
])
def test_a_bad_product_form_says_why_and_creates_nothing(extra, message):
    m = f.approved_merchant()
    cat = f.category()
    r = _client(m.user).post("/shop/merchant/products/new/", _new_product_form(cat.pk, **extra))
    assert r.status_code == 400 and message in r.content.decode()
    assert not Product.objects.filter(merchant=m).exists() and not Sku.objects.exists()


def test_sku_edit_add_and_pictures_on_the_product_page():
    m = f.approved_merchant()
    p, sku = f.product_with_sku(m, price_fen=9900, stock=10)
    c = _client(m.user)
    r = c.post(f"/shop/merchant/products/{p.pk}/skus/{sku.pk}/",
               {"spec": "规格:50ml", "price": "89.90", "member_price": "", "is_active": "1", "stock_delta": "-4"})
    assert r.status_code == 302
    sku.refresh_from_db()
    assert (sku.price_fen, sku.stock) == (8990, 6)
    assert StockMovement.objects.filter(sku=sku, delta=-4).exists()
    # a bad edit: the message, nothing changed
    r = c.post(f"/shop/merchant/products/{p.pk}/skus/{sku.pk}/",
               {"spec": "规格:50ml", "price": "1.001", "is_active": "1", "stock_delta": "+1"}, follow=True)
    assert "价格" in r.content.decode()
    sku.refresh_from_db()
    assert (sku.price_fen, sku.stock) == (8990, 6)
    c.post(f"/shop/merchant/products/{p.pk}/skus/", {"spec": "规格:100ml", "price": "159", "stock": "3"})
    assert p.skus.count() == 2
    c.post(f"/shop/merchant/products/{p.pk}/images/", {"images": [f.png_upload(), f.png_upload("b.png")]})
    assert p.images.count() == 2
    c.post(f"/shop/merchant/products/{p.pk}/on-shelf/", {"on_shelf": "0"})
    p.refresh_from_db()
    assert not p.on_shelf


def test_another_merchants_product_pages_are_not_found():
    m, other = f.approved_merchant(), f.approved_merchant()
    p, sku = f.product_with_sku(m, price_fen=9900)
    c = _client(other.user)
    assert c.get(f"/shop/merchant/products/{p.pk}/").status_code == 404
    assert c.post(f"/shop/merchant/products/{p.pk}/skus/{sku.pk}/", {"price": "1", "spec": ""}).status_code == 404
    assert c.post(f"/shop/merchant/products/{p.pk}/images/", {"images": f.png_upload()}).status_code == 404
    sku.refresh_from_db()
    assert sku.price_fen == 9900 and p.images.count() == 0


def test_the_ship_form_takes_a_carrier_from_the_list():
    m = f.approved_merchant()
    o = _paid_order(m)
    c = _client(m.user)
    html = c.get("/shop/merchant/").content.decode()
    assert 'name="carrier"' in html and "顺丰速运" in html and "极兔速递" in html
    r = c.post(f"/shop/merchant/orders/{o.pk}/ship/", {"carrier": "other", "carrier_other": "", "tracking_no":
                                                       "AB12345678"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "快递公司" in r.content.decode()
    assert not Shipment.objects.filter(order=o).exists()
    r = c.post(f"/shop/merchant/orders/{o.pk}/ship/", {"carrier": "jtexpress", "tracking_no": "JT0012345678"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert Shipment.objects.get(order=o).carrier == "极兔速递"


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return SimpleUploadedFile("ship.csv", buf.getvalue().encode("gb18030"), content_type="text/csv")


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("ship.xlsx", out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_batch_shipping_previews_row_errors_then_ships_only_the_good_rows():
    m = f.approved_merchant()
    good1, good2, shipped = _paid_order(m), _paid_order(m), _paid_order(m)
    order_services.order_ship(user=m.user, order_id=shipped.pk, carrier="顺丰速运", tracking_no="SF0000000001")
    theirs = _paid_order(f.approved_merchant())
    c = _client(m.user)
    sheet = _csv([["订单号", "快递公司", "运单号"],
                  [good1.number, "顺丰", "SF1234567890"],
                  [good2.number, "丰网速运", "FW1234567890"],  # not listed: an "other" carrier by name
                  [shipped.number, "中通", "ZT1234567890"],
                  [theirs.number, "中通", "ZT1234567891"],
                  ["NO-SUCH", "中通", "ZT1234567892"],
                  [good1.number, "中通", "ZT1234567893"],
                  ["", "", ""]])
    r = c.post("/shop/merchant/ship/batch/", {"sheet": sheet})
    html = r.content.decode()
    assert r.status_code == 200
    assert "订单已发货" in html and html.count("找不到这个订单") == 2 and "订单号在表格里重复" in html
    assert "确认发货 2 单" in html
    assert Order.objects.filter(pk__in=[good1.pk, good2.pk], shipped_at__isnull=False).count() == 0  # preview only
    rows = r.context["good_json"]
    r = c.post("/shop/merchant/ship/batch/", {"step": "confirm", "rows": rows})
    assert r.status_code == 200 and "已发货 2 单" in r.content.decode()
    assert Shipment.objects.get(order=good1).carrier == "顺丰速运"
    assert Shipment.objects.get(order=good2).carrier == "丰网速运"
    theirs.refresh_from_db()
    assert theirs.shipped_at is None
    # the same rows again: each is refused by the ship service, nothing shipped twice
    r = c.post("/shop/merchant/ship/batch/", {"step": "confirm", "rows": rows})
    assert "已发货 2 单" not in r.content.decode() and Shipment.objects.filter(order=good1).count() == 1


def test_batch_shipping_reads_xlsx_and_a_forged_row_cannot_ship_another_merchants_order():
    m = f.approved_merchant()
    o = _paid_order(m)
    theirs = _paid_order(f.approved_merchant())
    c = _client(m.user)
    r = c.post("/shop/merchant/ship/batch/", {"sheet": _xlsx([["订单号", "快递公司", "运单号"],
                                                              [o.number, "圆通", 7700112233445]])})
    assert "确认发货 1 单" in r.content.decode()
    import json
    rows = json.loads(r.context["good_json"])
    assert rows[0]["tracking"] == "7700112233445" and rows[0]["carrier"] == "圆通速递"
    forged = json.dumps([{"order_id": theirs.pk, "number": theirs.number, "carrier": "顺丰速运",
                          "tracking": "SF1234567890"}])
    r = c.post("/shop/merchant/ship/batch/", {"step": "confirm", "rows": forged})
    assert "订单不存在" in r.content.decode() or "不存在" in r.content.decode()
    theirs.refresh_from_db()
    assert theirs.shipped_at is None


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("a.csv", b"", content_type="text/csv"), "文件是空的"),
    (SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0junk", content_type="application/vnd.ms-excel"), ".xls"),
    (SimpleUploadedFile("a.xlsx", b"PK\x03\x04broken", content_type="application/zip"), "无法读取"),
    (SimpleUploadedFile("a.csv", "订单号,快递\n1,2\n".encode(), content_type="text/csv"), "表头需要包含"),
])
def test_an_unreadable_sheet_says_why(upload, message):
    m = f.approved_merchant()
    r = _client(m.user).post("/shop/merchant/ship/batch/", {"sheet": upload})
    assert r.status_code == 400 and message in r.content.decode()


def test_the_order_export_is_an_excel_of_my_orders_with_text_kept_as_text():
    m = f.approved_merchant()
    o = _paid_order(m)
    Order.objects.filter(pk=o.pk).update(note="=HYPERLINK(\"http://evil\",\"x\")")
    theirs = _paid_order(f.approved_merchant())
    r = _client(m.user).get("/shop/merchant/orders/export.xlsx?days=30")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    numbers = [row[0] for row in rows[1:]]
    assert o.number in numbers and theirs.number not in numbers
    mine = rows[1 + numbers.index(o.number)]
    assert str(mine[11]) == "99" or float(mine[11]) == 99.0  # paid, in yuan
    assert str(mine[16]).startswith("'=")
    template = load_workbook(io.BytesIO(_client(m.user).get("/shop/merchant/ship/template.xlsx").content)).active
    assert template is not None and template.cell(row=2, column=1).value == o.number


def test_the_overview_shows_todays_orders_and_gmv():
    m = f.approved_merchant()
    _paid_order(m, price_fen=9900)
    _paid_order(m, price_fen=5000)
    html = _client(m.user).get("/shop/merchant/overview/").content.decode()
    assert 'id="today-orders">2<' in html and "¥149.00" in html and "echarts.min.js" in html
    assert 'id="chart-data"' in html


def _credited_order(kol, community, merchant, *, price_fen: int = 4590):  # type: ignore[no-untyped-def]
    product, sku = f.product_with_sku(merchant, price_fen=price_fen, title="山茶花修护面霜")
    post = f.post(community, kol, title="换季修护空瓶记")
    catalog.post_product_attach(user=kol, post_id=post.pk, product_id=product.pk)
    buyer = make_user("小红")
    f.add_member(community, buyer)
    catalog.product_card_click(user=buyer, post_id=post.pk, product_id=product.pk)
    o = place(buyer, [(sku.pk, 2)]).orders.get()
    order_services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref=f"k{o.pk}")
    o.refresh_from_db()
    return post, o


def test_the_kol_centre_shows_what_my_post_sold_and_nobody_elses():
    community = f.community()
    kol = make_user("护肤达人")
    f.add_member(community, kol, Role.KOL)
    post, o = _credited_order(kol, community, f.approved_merchant())
    assert o.lines.get().post_id == post.pk
    r = _client(kol).get("/kol/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="kol-clicks">1<' in html and 'id="kol-orders">1<' in html
    assert f"¥{o.lines.get().payable_fen // 100}." in html and "换季修护空瓶记" in html
    chart = r.context["v"].chart
    assert sum(chart["orders"]) == 1 and sum(chart["clicks"]) == 1
    # another member: no figures of the KOL's, an explanation instead
    other = _client(make_user("路人")).get("/kol/").content.decode()
    assert "换季修护空瓶记" not in other and 'id="kol-empty"' in other
    assert Client().get("/kol/").status_code == 302
    # the 我 page links to it
    assert 'href="/kol/"' in _client(kol).get(f"/u/{kol.pk}/").content.decode()


def test_the_kol_centre_window_leaves_out_older_orders():
    import datetime as dt

    from django.utils import timezone
    community = f.community()
    kol = make_user("达人")
    f.add_member(community, kol, Role.KOL)
    _post, o = _credited_order(kol, community, f.approved_merchant())
    Order.objects.filter(pk=o.pk).update(paid_at=timezone.now() - dt.timedelta(days=10))
    assert _client(kol).get("/kol/?days=7").context["v"].orders == 0
    assert _client(kol).get("/kol/?days=30").context["v"].orders == 1
