import pytest

from conftest import api_client, make_user
from quanzi.catalog.models import Merchant, Product, Sku
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role, Visibility

pytestmark = pytest.mark.django_db
J = "application/json"


def test_apply_approve_and_create_a_product_through_the_api(member):
    me = api_client(member)
    r = me.post("/api/v1/catalog/merchants/apply", {"business_name": "小红的店", "licence_no": "9133",
                                                    "contact_name": "小红", "contact_phone": "13800000000"},
                content_type=J)
    assert r.status_code == 201 and r.json()["status"] == "applied"
    mid = r.json()["id"]
    assert me.post(f"/api/v1/catalog/merchants/{mid}/approve", {}, content_type=J).status_code == 403
    op = api_client(f.operator())
    r = op.post(f"/api/v1/catalog/merchants/{mid}/approve", {"commission_rate": "0.0600"}, content_type=J)
    assert r.status_code == 200 and r.json()["commission_rate"] == "0.0600"
    assert op.get("/api/v1/catalog/merchants?status=approved").json()["count"] == 1
    assert me.get("/api/v1/catalog/merchants").status_code == 403
    cat = f.category()
    r = me.post("/api/v1/catalog/products", {"category_id": cat.pk, "title": "面霜", "tags": ["保湿"],
                                             "return_exemption": "hygiene_opened"}, content_type=J)
    assert r.status_code == 201 and r.json()["on_shelf"] is False
    pid = r.json()["id"]
    r = me.post(f"/api/v1/catalog/products/{pid}/skus", {"spec": {"颜色": "白"}, "price_fen": 8800, "stock": 3,
                                                         "weight_g": 100}, content_type=J)
    assert r.status_code == 201 and r.json()["stock"] == 3
    sku_id = r.json()["id"]
    r = me.post(f"/api/v1/catalog/products/{pid}/images", {"file": f.png_upload()})
    assert r.status_code == 201 and r.json()["url"]
    assert me.post(f"/api/v1/catalog/products/{pid}/shelf", {"on_shelf": True}, content_type=J).json()["on_shelf"]
    r = api_client().get(f"/api/v1/catalog/products/{pid}")
    body = r.json()
    assert r.status_code == 200 and body["skus"][0]["price_fen"] == 8800 and body["min_price_fen"] == 8800
    assert body["cover_url"] and body["return_exemption"] == "hygiene_opened"
    r = me.patch(f"/api/v1/catalog/skus/{sku_id}", {"price_fen": 7700, "member_price_fen": 7000}, content_type=J)
    assert (r.json()["price_fen"], r.json()["member_price_fen"]) == (7700, 7000)
    r = me.patch(f"/api/v1/catalog/skus/{sku_id}", {"member_price_fen": 0}, content_type=J)
    assert r.json()["member_price_fen"] is None
    assert me.post(f"/api/v1/catalog/skus/{sku_id}/stock", {"delta": -5}, content_type=J).json()["code"] == \
        "invalid_stock"
    assert me.post(f"/api/v1/catalog/skus/{sku_id}/stock", {"delta": 7}, content_type=J).json()["stock"] == 10
    assert me.get("/api/v1/catalog/merchant/products").json()["count"] == 1


def test_merchant_b_cannot_touch_merchant_as_products():
    a, b = f.approved_merchant(), f.approved_merchant()
    p, sku = f.product_with_sku(a)
    cb = api_client(b.user)
    assert cb.patch(f"/api/v1/catalog/products/{p.pk}", {"title": "x"}, content_type=J).status_code == 404
    assert cb.post(f"/api/v1/catalog/products/{p.pk}/shelf", {"on_shelf": False},
                   content_type=J).status_code == 404
    assert cb.post(f"/api/v1/catalog/products/{p.pk}/skus", {"price_fen": 1}, content_type=J).status_code == 404
    assert cb.patch(f"/api/v1/catalog/skus/{sku.pk}", {"price_fen": 1}, content_type=J).status_code == 404
    assert cb.post(f"/api/v1/catalog/skus/{sku.pk}/stock", {"delta": -1}, content_type=J).status_code == 404
    assert cb.post(f"/api/v1/catalog/products/{p.pk}/images", {"file": f.png_upload()}).status_code == 404
    assert cb.get("/api/v1/catalog/merchant/products").json()["count"] == 0
    p.refresh_from_db()
    assert p.title != "x" and p.on_shelf and Sku.objects.get(pk=sku.pk).price_fen == 9900
    # a shopper who is no merchant gets 403
    r = api_client(make_user()).post("/api/v1/catalog/products", {"category_id": 1, "title": "x"}, content_type=J)
    assert r.status_code == 403 and r.json()["code"] == "not_merchant"


@pytest.mark.parametrize("method,path", [
    ("post", "/api/v1/catalog/merchants/apply"), ("get", "/api/v1/catalog/merchants/me"),
    ("post", "/api/v1/catalog/products"), ("get", "/api/v1/catalog/merchant/products"),
    ("post", "/api/v1/catalog/communities/1/shelf"), ("post", "/api/v1/catalog/posts/1/products"),
    ("post", "/api/v1/catalog/posts/1/products/1/click"),
])
def test_anonymous_gets_401(client, method, path):
    r = getattr(client, method)(path, {}, content_type=J) if method == "post" else client.get(path)
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_public_listing_hides_off_shelf_and_searches():
    m = f.approved_merchant()
    on, _ = f.product_with_sku(m, title="玫瑰精华")
    f.product_with_sku(m, title="玫瑰面膜", on_shelf=False)
    c = api_client()
    r = c.get("/api/v1/catalog/products?search=玫瑰")
    assert [p["id"] for p in r.json()["items"]] == [on.pk]
    off = Product.objects.get(title="玫瑰面膜")
    assert c.get(f"/api/v1/catalog/products/{off.pk}").status_code == 404


def test_shelf_and_cards_through_the_api_with_community_context():
    c = f.community()
    kol = make_user("达人")
    f.add_member(c, kol, Role.KOL)
    plain = make_user("路人")
    f.add_member(c, plain)
    p, _ = f.product_with_sku(f.approved_merchant())
    post = f.post(c, kol)
    ck = api_client(kol)
    assert api_client(plain).post(f"/api/v1/catalog/communities/{c.pk}/shelf", {"product_id": p.pk},
                                  content_type=J).status_code == 403
    assert ck.post(f"/api/v1/catalog/communities/{c.pk}/shelf", {"product_id": p.pk},
                   content_type=J).status_code == 201
    assert ck.post(f"/api/v1/catalog/posts/{post.pk}/products", {"product_id": p.pk},
                   content_type=J).status_code == 201
    anon = api_client()
    assert [x["id"] for x in anon.get(f"/api/v1/catalog/communities/{c.pk}/shelf").json()["items"]] == [p.pk]
    assert [x["id"] for x in anon.get(f"/api/v1/catalog/posts/{post.pk}/products").json()["items"]] == [p.pk]
    body = anon.get(f"/api/v1/catalog/products/{p.pk}").json()
    assert [x["id"] for x in body["communities"]] == [c.pk] and [x["id"] for x in body["posts"]] == [post.pk]
    r = api_client(plain).post(f"/api/v1/catalog/posts/{post.pk}/products/{p.pk}/click", {"share_token": ""},
                               content_type=J)
    assert r.status_code == 204
    assert ck.delete(f"/api/v1/catalog/communities/{c.pk}/shelf/{p.pk}").status_code == 204
    assert anon.get(f"/api/v1/catalog/communities/{c.pk}/shelf").json()["count"] == 0


def test_invite_only_community_shelf_and_context_are_hidden_from_outsiders():
    c = f.community(visibility=Visibility.INVITE)
    p, _ = f.product_with_sku(f.approved_merchant())
    api_client(c.owner).post(f"/api/v1/catalog/communities/{c.pk}/shelf", {"product_id": p.pk}, content_type=J)
    outsider = api_client(make_user())
    assert outsider.get(f"/api/v1/catalog/communities/{c.pk}/shelf").status_code == 404
    assert outsider.get(f"/api/v1/catalog/products/{p.pk}").json()["communities"] == []
    assert api_client(c.owner).get(f"/api/v1/catalog/products/{p.pk}").json()["communities"][0]["id"] == c.pk


def test_operator_creates_categories_and_brands_others_cannot():
    op = api_client(f.operator())
    r = op.post("/api/v1/catalog/categories", {"name": "美妆"}, content_type=J)
    assert r.status_code == 201
    r = op.post("/api/v1/catalog/categories", {"name": "面霜", "parent_id": r.json()["id"]}, content_type=J)
    assert r.json()["parent_id"] is not None
    assert op.post("/api/v1/catalog/brands", {"name": "雪花秀"}, content_type=J).status_code == 201
    assert api_client(make_user()).post("/api/v1/catalog/brands", {"name": "x"}, content_type=J).status_code == 403
    assert api_client().get("/api/v1/catalog/categories").json()["count"] == 2
    assert Merchant.objects.count() == 0


def test_product_list_query_count_does_not_grow_with_the_page(django_assert_max_num_queries):
    m = f.approved_merchant()
    for _ in range(12):
        f.product_with_sku(m)
    with django_assert_max_num_queries(6):
        r = api_client().get("/api/v1/catalog/products?page_size=12")
    assert len(r.json()["items"]) == 12 and all(p["min_price_fen"] == 9900 for p in r.json()["items"])
