"""Product cards picked while writing a post: the picker's search shows price and, for a KOL of the community,
the commission; the ticked products are attached when the post is published; a refusal is told, the post stands."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_user
from quanzi.catalog.models import PostProduct
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.content.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():  # type: ignore[no-untyped-def]
    merchant = f.approved_merchant()
    cream, _sku = f.product_with_sku(merchant, price_fen=9900, title="玫瑰保湿面霜")
    hidden, _sku = f.product_with_sku(merchant, price_fen=5000, title="下架面霜", on_shelf=False)
    return cream, hidden


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_a_kol_sees_price_and_commission(shop) -> None:  # type: ignore[no-untyped-def]
    kol = make_user("达人小美")
    community = f.community()
    f.add_member(community, kol, role=Role.KOL)
    html = _client(kol).get("/compose/products/", {"q": "面霜", "community": community.slug}).content.decode()
    assert "玫瑰保湿面霜" in html and "¥99.00" in html
    assert "佣金 ¥11.88" in html  # the platform's default KOL rate, 12 %, of the lowest price
    assert "下架面霜" not in html  # not sellable


def test_an_owner_picks_without_commission_and_a_member_may_not_pick(shop) -> None:  # type: ignore[no-untyped-def]
    owner, member = make_user("群主"), make_user("普通成员")
    community = f.community(owner)
    f.add_member(community, member)
    html = _client(owner).get("/compose/products/", {"q": "面霜", "community": community.slug}).content.decode()
    assert "玫瑰保湿面霜" in html and "佣金" not in html
    html = _client(member).get("/compose/products/", {"q": "面霜", "community": community.slug}).content.decode()
    assert 'id="pick-not-allowed"' in html and "玫瑰保湿面霜" not in html


def test_picked_products_are_attached_when_the_post_is_published(shop) -> None:  # type: ignore[no-untyped-def]
    cream, hidden = shop
    kol = make_user("达人小美")
    community = f.community()
    f.add_member(community, kol, role=Role.KOL)
    c = _client(kol)
    picked = c.get("/compose/products/pick/", {"id": cream.pk, "community": community.slug}).content.decode()
    assert f'name="product_id" value="{cream.pk}" checked' in picked
    page = c.get(f"/compose/?c={community.slug}").content.decode()
    assert 'id="product-picker"' in page
    response = c.post("/compose/", {"community": community.slug, "kind": "note", "body": "这款面霜好用",
                                    "product_id": [str(cream.pk), str(hidden.pk)]}, follow=True)
    post = Post.objects.get(author=kol)
    assert list(PostProduct.objects.filter(post=post).values_list("product_id", flat=True)) == [cream.pk]
    text = response.content.decode()
    assert "商品卡片未挂上" in text  # the unsellable one is told, the post stands
    assert "玫瑰保湿面霜" in text  # the card shows on the post page


def test_a_refused_post_keeps_the_ticked_products(shop) -> None:  # type: ignore[no-untyped-def]
    cream, _hidden = shop
    kol = make_user("达人小美")
    community = f.community()
    f.add_member(community, kol, role=Role.KOL)
    response = _client(kol).post("/compose/", {"community": community.slug, "kind": "note", "body": "",
                                               "product_id": [str(cream.pk)]})
    assert response.status_code == 400
    assert f'name="product_id" value="{cream.pk}" checked' in response.content.decode()
    assert not PostProduct.objects.exists()
