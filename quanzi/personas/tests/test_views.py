"""Persona pages and API without a browser: my page and its switches (HTMX and plain), the builder's live count
and saving, refusals with clear codes, the API."""

from __future__ import annotations

import pytest

from conftest import api_client, make_user
from quanzi.catalog.tests import factories as f
from quanzi.personas import selectors, services
from quanzi.personas.models import Segment
from quanzi.personas.tests.helpers import browse_products, shop_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def browsing():  # type: ignore[no-untyped-def]
    _m, product, _sku = shop_in("护肤")
    c = f.community()
    member = make_user("小红")
    f.add_member(c, member)
    browse_products(member, product, 12)
    services.persona_refresh(user_id=member.pk)
    return c, member, product


def test_my_page_lists_tags_and_a_switch_returns_the_group(client, browsing):  # type: ignore[no-untyped-def]
    _c, member, product = browsing
    client.force_login(member)
    body = client.get("/me/persona/").content.decode()
    assert "偏好类目：护肤" in body and "浏览 12 次" in body
    code = f"category:{product.category_id}"
    r = client.post("/me/persona/switch/", {"group": "needs", "code": code, "on": "0"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="persona-group-needs"' in r.content.decode() and "已关闭" in r.content.decode()
    assert code not in {t.code for t in selectors.active_tags(member)}
    r = client.post("/me/persona/switch/", {"group": "needs", "on": "0"})
    assert r.status_code == 302
    r = client.post("/me/persona/switch/", {"group": "colour", "on": "0"})
    assert r.status_code == 400 and "未知的标签分组" in r.content.decode()


def test_the_builder_counts_live_and_saves(client, browsing):  # type: ignore[no-untyped-def]
    c, _member, product = browsing
    client.force_login(c.owner)
    assert client.get(f"/segments/?community={c.pk}").status_code == 200
    code = f"category:{product.category_id}"
    r = client.post("/segments/count/", {"community": c.pk, "tags_all": code}, HTTP_HX_REQUEST="true")
    assert 'data-count="1"' in r.content.decode()
    r = client.post("/segments/count/", {"community": c.pk, "spend_min": "abc"}, HTTP_HX_REQUEST="true")
    assert "最低消费须为金额" in r.content.decode()
    r = client.post("/segments/new/", {"community": c.pk, "tags_all": code, "name": "护肤爱好者"})
    seg = Segment.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/segments/{seg.pk}/" and seg.member_count == 1
    assert "现在 1 人" in client.get(f"/segments/{seg.pk}/").content.decode()
    r = client.post("/segments/new/", {"community": c.pk, "name": ""})
    assert r.status_code == 400 and "人群名称须为" in r.content.decode()


def test_a_plain_member_cannot_open_the_builder(client, browsing):  # type: ignore[no-untyped-def]
    c, member, _p = browsing
    client.force_login(member)
    assert client.get(f"/segments/?community={c.pk}").status_code == 403
    assert client.get("/segments/").status_code == 403


def test_api_my_persona_switch_and_segments(browsing):  # type: ignore[no-untyped-def]
    c, member, product = browsing
    api = api_client(member)
    groups = api.get("/api/v1/personas/me").json()
    assert [g["group"] for g in groups] == ["basic", "behaviour", "needs", "social"]
    code = f"category:{product.category_id}"
    r = api.post("/api/v1/personas/me/switch", {"group": "needs", "code": code, "on": False},
                 content_type="application/json")
    needs = next(g for g in r.json() if g["group"] == "needs")
    assert next(t for t in needs["tags"] if t["tag"]["code"] == code)["on"] is False
    owner = api_client(c.owner)
    r = owner.post("/api/v1/personas/segments/count", {"community_id": c.pk, "filters": {"tags_all": [code]}},
                   content_type="application/json")
    assert r.json() == {"count": 0}
    r = owner.post("/api/v1/personas/segments", {"community_id": c.pk, "name": "x",
                                                 "filters": {"tags_all": ["bogus:1"]}},
                   content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_filters"
    assert api.post("/api/v1/personas/segments/count", {"community_id": c.pk},
                    content_type="application/json").status_code == 403
