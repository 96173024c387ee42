"""Test helpers shared by the catalog and orders tests: an approved merchant with a product and SKUs, a community
with roles, a post. Everything goes through the catalog services; community rows are made directly so these
tests do not depend on other apps' write paths."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.catalog import services
from quanzi.catalog.models import Category, Merchant, Product, Sku
from quanzi.communities.enums import MembershipStatus, Role, Visibility
from quanzi.communities.models import Community, Membership

_n = {"i": 0}


def _next() -> int:
    _n["i"] += 1
    return _n["i"]


def png_upload(name: str = "p.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def operator() -> User:
    user = make_user("运营")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def approved_merchant(user: User | None = None, *, rate: str = "0.0500") -> Merchant:
    user = user or make_user("商家")
    m = services.merchant_apply(user=user, business_name=f"好物小店{_next()}", licence_no="91330100MA2XXXX",
                                contact_name="王老板", contact_phone="13800000000")
    return services.merchant_approve(operator=operator(), merchant_id=m.pk, commission_rate=Decimal(rate))


def category(name: str = "护肤", parent: Category | None = None) -> Category:
    return Category.objects.create(name=name, parent=parent)


def product_with_sku(merchant: Merchant, *, price_fen: int = 9900, stock: int = 10, title: str = "",
                     member_price_fen: int | None = None, weight_g: int = 200, on_shelf: bool = True,
                     cat: Category | None = None, **kwargs: Any) -> tuple[Product, Sku]:
    user = merchant.user
    product = services.product_create(user=user, category_id=(cat or category()).pk,
                                      title=title or f"保湿面霜{_next()}", **kwargs)
    sku = services.sku_create(user=user, product_id=product.pk, spec={"规格": "50ml"}, price_fen=price_fen,
                              member_price_fen=member_price_fen, stock=stock, weight_g=weight_g)
    if on_shelf:
        product = services.product_set_shelf(user=user, product_id=product.pk, on_shelf=True)
    return product, sku


def community(owner: User | None = None, *, visibility: str = Visibility.PUBLIC) -> Community:
    i = _next()
    owner = owner or make_user("群主")
    c = Community.objects.create(name=f"好物圈{i}", slug=f"shop-{i}", vertical="beauty", owner=owner,
                                 visibility=visibility)
    Membership.objects.create(community=c, user=owner, role=Role.OWNER, status=MembershipStatus.ACTIVE)
    return c


def add_member(c: Community, user: User, role: str = Role.MEMBER) -> Membership:
    return Membership.objects.create(community=c, user=user, role=role, status=MembershipStatus.ACTIVE)


def post(c: Community, author: User, *, title: str = "种草一款面霜") -> Any:
    from quanzi.content.models import Post

    return Post.objects.create(community=c, author=author, title=title, body="很好用", status="published")
