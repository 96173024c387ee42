import pytest
from django.test import Client

from conftest import make_user
from quanzi.catalog.models import PostProduct, ShelfItem
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_kol_picks_a_product_for_the_shelf_and_cards_it_on_a_post():
    c = f.community()
    kol = make_user("达人")
    f.add_member(c, kol, Role.KOL)
    p, _ = f.product_with_sku(f.approved_merchant(), title="云朵跑鞋", price_fen=39900)
    web = _client(kol)
    html = web.get(f"/c/{c.slug}/shop/?q=云朵").content.decode()
    assert "为本群挑选好物" in html and "云朵跑鞋" in html
    r = web.post(f"/c/{c.slug}/shop/add/", {"product_id": p.pk})
    assert r.status_code == 302 and ShelfItem.objects.filter(community=c, product=p).exists()
    shelf = Client().get(f"/c/{c.slug}/shop/").content.decode()
    assert "云朵跑鞋" in shelf and "¥399.00" in shelf and "为本群挑选好物" not in shelf
    post = f.post(c, kol, title="我的跑鞋清单")
    page = web.get(f"/p/{post.pk}/").content.decode()
    assert 'id="card-attach"' in page and "云朵跑鞋" in page
    web.post(f"/p/{post.pk}/cards/attach/", {"product_id": p.pk})
    assert PostProduct.objects.filter(post=post, product=p).exists()
    assert f'href="/shop/card/{post.pk}/{p.pk}/"' in Client().get(f"/p/{post.pk}/").content.decode()
    web.post(f"/p/{post.pk}/cards/detach/", {"product_id": p.pk})
    assert not PostProduct.objects.filter(post=post).exists()


def test_a_plain_member_cannot_pick_or_card(member):
    c = f.community()
    f.add_member(c, member, Role.MEMBER)
    p, _ = f.product_with_sku(f.approved_merchant(), title="云朵跑鞋")
    web = _client(member)
    assert "为本群挑选好物" not in web.get(f"/c/{c.slug}/shop/?q=云朵").content.decode()
    r = web.post(f"/c/{c.slug}/shop/add/", {"product_id": p.pk}, follow=True)
    assert not ShelfItem.objects.exists() and "权限" in r.content.decode()
    post = f.post(c, member)
    assert 'id="card-attach"' not in web.get(f"/p/{post.pk}/").content.decode()
    web.post(f"/p/{post.pk}/cards/attach/", {"product_id": p.pk})
    assert not PostProduct.objects.exists()
