"""Every upload path stores a re-encoded picture under a random name (issue 6, finding 3), never the upload:
post images, community covers, product images, after-sales and review photos."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from conftest import api_client, make_user
from quanzi.aftersales import services as aftersales
from quanzi.aftersales.tests.helpers import delivered_order, line_of, shop
from quanzi.catalog.models import ProductImage
from quanzi.catalog.tests import factories as f
from quanzi.communities.services import community_create, community_update
from quanzi.content.enums import PostKind
from quanzi.content.models import Post, PostImage
from quanzi.content.services import post_create, post_images_add
from quanzi.core.errors import InvalidInput

pytestmark = pytest.mark.django_db
STORED = re.compile(r"^(posts|covers|products|aftersales|reviews)/\d{4}/\d{2}/[0-9a-f]{32}\.gif$")


def evil() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("P", (12, 12), 7).save(buf, "GIF")
    return SimpleUploadedFile("x.html", buf.getvalue() + b"<script>alert(1)</script>", content_type="image/gif")


def bomb() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, "PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buf.getvalue(), content_type="image/png")


def assert_clean(field) -> None:  # type: ignore[no-untyped-def]
    assert STORED.match(field.name), field.name
    assert b"<script>" not in Path(field.path).read_bytes()
    r = Client().get(field.url)
    assert r.status_code == 200 and r["Content-Type"] == "image/gif" and r["X-Content-Type-Options"] == "nosniff"


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_post_images_and_community_covers():
    owner = make_user("群主")
    community = community_create(owner=owner, name="上传测试圈", slug="upload-test", vertical="beauty", cover=evil())
    assert_clean(community.cover)
    community = community_update(actor=owner, community=community, cover=evil())
    assert_clean(community.cover)
    post = post_create(author=owner, community=community, kind=PostKind.NOTE, body="图片", images=[evil(), evil()])
    post_images_add(actor=owner, post=post, images=[evil()])
    names = [i.image.name for i in PostImage.objects.filter(post=post).order_by("position")]
    assert len(set(names)) == 3
    for image in PostImage.objects.filter(post=post):
        assert_clean(image.image)


def test_a_bomb_among_post_images_stores_nothing():
    owner = make_user("群主")
    community = community_create(owner=owner, name="炸弹圈", slug="bomb-test", vertical="beauty")
    before = stored_files()
    with pytest.raises(InvalidInput) as exc:
        post_create(author=owner, community=community, kind=PostKind.NOTE, body="图片", images=[evil(), bomb()])
    assert exc.value.code == "image_too_large"
    assert not Post.objects.filter(community=community).exists() and stored_files() == before


def test_product_images_over_the_api():
    merchant = f.approved_merchant()
    product, _sku = f.product_with_sku(merchant)
    r = api_client(merchant.user).post(f"/api/v1/catalog/products/{product.pk}/images", {"file": evil()})
    assert r.status_code in (200, 201), r.content
    assert_clean(ProductImage.objects.get(product=product).image)
    r = api_client(merchant.user).post(f"/api/v1/catalog/products/{product.pk}/images", {"file": bomb()})
    assert r.status_code == 400 and r.json()["code"] == "image_too_large"
    assert ProductImage.objects.filter(product=product).count() == 1


def test_after_sales_and_review_photos():
    buyer = make_user("买家")
    m, sku = shop(price_fen=5000)
    order = delivered_order(buyer, m, [(sku, 1)])
    line = line_of(order)
    req = aftersales.aftersale_request_create(user=buyer, order_id=order.pk, kind="return_and_refund",
                                              reason="no_reason", lines=[(line.pk, 1)],
                                              amount_fen=line.goods_payable_fen, photos=[evil()])
    aftersales.aftersale_photos_add(user=buyer, request_id=req.pk, photos=[evil()])
    photos = list(req.photos.all())
    assert len(photos) == 2
    for photo in photos:
        assert_clean(photo.image)
    with pytest.raises(InvalidInput) as exc:
        aftersales.aftersale_photos_add(user=buyer, request_id=req.pk, photos=[evil(), bomb()])
    assert exc.value.code == "image_too_large" and req.photos.count() == 2
    other = make_user("买家二")
    order2 = delivered_order(other, m, [(sku, 1)])
    review = aftersales.review_create(user=other, order_line_id=line_of(order2).pk, rating=5, photos=[evil()])
    assert_clean(review.photos.get().image)
