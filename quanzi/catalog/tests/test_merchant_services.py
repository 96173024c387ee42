"""The console's product writes from typed input: yuan to exact fen, spec text, a product with its SKUs and
pictures all or nothing, SKU edits with stock through the ledger. Bad input: a code, and nothing changes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from quanzi.catalog import merchant_services as ms
from quanzi.catalog.enums import StockReason
from quanzi.catalog.models import Product, ProductImage, Sku, StockMovement
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError, InvalidInput

pytestmark = pytest.mark.django_db


def test_prices_typed_in_yuan_become_exact_fen():
    assert ms.price_fen_of("12.8") == 1280
    assert ms.price_fen_of("¥0.10") == 10
    assert ms.price_fen_of("19.99") == 1999  # no float on the way: 19.99 * 100 would be 1998.9999…
    assert ms.price_fen_of("", required=False) is None
    for bad in ("", "0", "1.234", "-3", "abc", "1e3", "0.00", "10000000.01"):
        with pytest.raises(InvalidInput) as exc:
            ms.price_fen_of(bad)
        assert exc.value.code == "invalid_price", bad


def test_spec_text():
    assert ms.spec_of("颜色:红 尺码：M") == {"颜色": "红", "尺码": "M"}
    assert ms.spec_of("红色") == {"规格": "红色"}
    assert ms.spec_of("  ") == {}
    with pytest.raises(InvalidInput) as exc:
        ms.spec_of("颜色:红 颜色:蓝")
    assert exc.value.code == "invalid_spec"
    with pytest.raises(InvalidInput):
        ms.spec_of("a:1 b:2 c:3 d:4 e:5 f:6")


def test_sku_row_checks_member_price_and_stock():
    row = ms.sku_input(spec="颜色:红", price="59", member_price="49.5", stock="12")
    assert (row.price_fen, row.member_price_fen, row.stock) == (5900, 4950, 12)
    with pytest.raises(InvalidInput) as exc:
        ms.sku_input(spec="", price="59", member_price="60")
    assert exc.value.code == "invalid_price"
    for stock in ("-1", "1.5", "x", "10000001"):
        with pytest.raises(InvalidInput) as exc:
            ms.sku_input(spec="", price="1", stock=stock)
        assert exc.value.code == "invalid_stock", stock


def test_product_with_two_skus_and_a_picture_in_one_go():
    m = f.approved_merchant()
    cat = f.category("运动")
    skus = [ms.sku_input(spec="颜色:黑", price="129", stock="5"), ms.sku_input(spec="颜色:白", price="139.9")]
    p = ms.product_create_with_skus(user=m.user, category_id=cat.pk, title="速干跑步T恤", skus=skus,
                                    images=[f.png_upload()], on_shelf=True)
    assert p.on_shelf and p.images.count() == 1
    assert sorted(p.skus.values_list("price_fen", "stock")) == [(12900, 5), (13990, 0)]
    # the initial stock is in the ledger
    assert list(StockMovement.objects.filter(sku__product=p).values_list("delta", "reason")) == \
        [(5, StockReason.ADJUST)]


@pytest.mark.parametrize("kwargs,code", [
    ({"skus": []}, "no_sku"),
    ({"title": ""}, "invalid_title"),
    ({"category_id": 999999}, "category_not_found"),
    ({"bad_image": True}, "image_invalid"),
    ({"dup": True}, "invalid_spec"),
])
def test_a_bad_part_leaves_no_product(kwargs, code):
    m = f.approved_merchant()
    cat = f.category()
    args = {"user": m.user, "category_id": cat.pk, "title": "跑鞋",
            "skus": [ms.sku_input(spec="尺码:42", price="399", stock="3")]}
    if kwargs.pop("dup", False):
        args["skus"] = args["skus"] * 2
    if kwargs.pop("bad_image", False):  # the second picture is not one: the first is not kept either
        args["images"] = [f.png_upload(), SimpleUploadedFile("x.png", b"<script>", content_type="image/png")]
    args.update(kwargs)
    with pytest.raises(DomainError) as exc:
        ms.product_create_with_skus(**args)
    assert exc.value.code == code
    assert not Product.objects.filter(merchant=m).exists()
    assert not Sku.objects.exists() and not StockMovement.objects.exists() and not ProductImage.objects.exists()


def test_only_an_approved_merchant_creates():
    cat = f.category()
    with pytest.raises(DomainError) as exc:
        ms.product_create_with_skus(user=make_user(), category_id=cat.pk, title="x",
                                    skus=[ms.sku_input(spec="", price="1")])
    assert exc.value.code == "not_merchant"


def test_sku_edit_changes_prices_and_stock_through_the_ledger():
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=9900, stock=10)
    sku = ms.sku_edit(user=m.user, sku_id=sku.pk, spec="规格:100ml", price="88.8", member_price="80",
                      stock_delta="+5")
    assert (sku.price_fen, sku.member_price_fen, sku.stock, sku.spec) == (8880, 8000, 15, {"规格": "100ml"})
    assert StockMovement.objects.filter(sku=sku, delta=5, reason=StockReason.ADJUST, actor=m.user).exists()
    sku = ms.sku_edit(user=m.user, sku_id=sku.pk, spec="规格:100ml", price="88.8", stock_delta="-15")
    assert sku.stock == 0 and sku.member_price_fen is None


@pytest.mark.parametrize("change,code", [
    ({"stock_delta": "-11"}, "invalid_stock"),  # below zero
    ({"stock_delta": "abc"}, "invalid_delta"),
    ({"price": "0"}, "invalid_price"),
    ({"member_price": "100"}, "invalid_price"),
])
def test_a_bad_sku_edit_changes_nothing(change, code):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=9900, stock=10)
    moves = StockMovement.objects.count()
    args = {"user": m.user, "sku_id": sku.pk, "spec": "规格:200ml", "price": "50", **change}
    with pytest.raises(InvalidInput) as exc:
        ms.sku_edit(**args)
    assert exc.value.code == code
    sku.refresh_from_db()
    assert (sku.price_fen, sku.stock, sku.spec) == (9900, 10, {"规格": "50ml"})
    assert StockMovement.objects.count() == moves


def test_another_merchants_sku_is_not_found():
    m, other = f.approved_merchant(), f.approved_merchant()
    _p, sku = f.product_with_sku(m)
    with pytest.raises(DomainError) as exc:
        ms.sku_edit(user=other.user, sku_id=sku.pk, spec="", price="1")
    assert exc.value.code == "sku_not_found"


def test_sku_add_refuses_a_spec_it_already_has():
    m = f.approved_merchant()
    p, _sku = f.product_with_sku(m)
    with pytest.raises(InvalidInput) as exc:
        ms.sku_add(user=m.user, product_id=p.pk, row=ms.sku_input(spec="规格:50ml", price="1"))
    assert exc.value.code == "invalid_spec"
    sku = ms.sku_add(user=m.user, product_id=p.pk, row=ms.sku_input(spec="规格:100ml", price="1", stock="2"))
    assert sku.stock == 2 and p.skus.count() == 2
