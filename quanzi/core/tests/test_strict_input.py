"""Strict input in the API (quanzi.core.schema): a boolean or a numeric string is not an integer in a JSON body
(a form post, whose values are strings, keeps its numeric strings), and text with NUL or another C0 control
character is refused with `invalid_characters` before it reaches a service or the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

import pytest
from ninja.params.models import BodyModel, FormModel
from pydantic import BaseModel

from conftest import api_client, make_user
from quanzi.accounts.models import User
from quanzi.api import _is_nul_error, api
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.communities.services import community_create, community_join
from quanzi.content.models import Comment, Post
from quanzi.content.services import post_create
from quanzi.core import schema as strict
from quanzi.orders.models import CartItem

pytestmark = pytest.mark.django_db
J = "application/json"
CART = "/api/v1/orders/cart/items"


@pytest.fixture
def shop() -> dict:
    merchant = f.approved_merchant()
    _p, sku = f.product_with_sku(merchant, price_fen=2500, stock=50)
    buyer = make_user("买家")
    return {"merchant": merchant, "sku": sku, "buyer": buyer, "client": api_client(buyer)}


def _quantity(user: User, sku: Sku) -> int | None:
    return CartItem.objects.filter(cart__user=user, sku=sku).values_list("quantity", flat=True).first()


def _invalid_field(r, field: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["code"] == "invalid_input"
    assert any(d["loc"][-1] == field and d["type"] == "int_type" for d in body["details"]), body


# --- integers: no booleans, no numeric strings in JSON ------------------------------------------------------------


def test_true_is_not_a_quantity_when_adding_to_the_cart(shop: dict) -> None:
    r = shop["client"].post(CART, {"sku_id": shop["sku"].pk, "quantity": True}, content_type=J)
    _invalid_field(r, "quantity")
    assert _quantity(shop["buyer"], shop["sku"]) is None
    r = shop["client"].post(CART, {"sku_id": True, "quantity": 1}, content_type=J)
    _invalid_field(r, "sku_id")
    assert not CartItem.objects.filter(cart__user=shop["buyer"]).exists()


def test_a_numeric_string_is_not_an_integer_in_json(shop: dict) -> None:
    r = shop["client"].post(CART, {"sku_id": shop["sku"].pk, "quantity": "2"}, content_type=J)
    _invalid_field(r, "quantity")
    r = shop["client"].post(CART, {"sku_id": str(shop["sku"].pk), "quantity": 2}, content_type=J)
    _invalid_field(r, "sku_id")
    assert _quantity(shop["buyer"], shop["sku"]) is None
    # a real JSON number still works
    r = shop["client"].post(CART, {"sku_id": shop["sku"].pk, "quantity": 2}, content_type=J)
    assert r.status_code == 200 and _quantity(shop["buyer"], shop["sku"]) == 2


def test_false_does_not_remove_a_cart_line(shop: dict) -> None:
    c, sku = shop["client"], shop["sku"]
    assert c.post(CART, {"sku_id": sku.pk, "quantity": 2}, content_type=J).status_code == 200
    _invalid_field(c.put(f"{CART}/{sku.pk}", {"quantity": False}, content_type=J), "quantity")
    _invalid_field(c.put(f"{CART}/{sku.pk}", {"quantity": "0"}, content_type=J), "quantity")
    assert _quantity(shop["buyer"], sku) == 2
    assert c.put(f"{CART}/{sku.pk}", {"quantity": 0}, content_type=J).status_code == 200
    assert _quantity(shop["buyer"], sku) is None


def test_true_is_not_a_price(shop: dict) -> None:
    merchant, sku = shop["merchant"], shop["sku"]
    c = api_client(merchant.user)
    for field in ("price_fen", "member_price_fen", "weight_g"):
        _invalid_field(c.patch(f"/api/v1/catalog/skus/{sku.pk}", {field: True}, content_type=J), field)
    _invalid_field(c.patch(f"/api/v1/catalog/skus/{sku.pk}", {"price_fen": "1"}, content_type=J), "price_fen")
    _invalid_field(c.post(f"/api/v1/catalog/skus/{sku.pk}/stock", {"delta": True}, content_type=J), "delta")
    r = c.post(f"/api/v1/catalog/products/{sku.product_id}/skus", {"price_fen": True, "spec": {"规格": "大"}},
               content_type=J)
    _invalid_field(r, "price_fen")
    sku.refresh_from_db()
    assert (sku.price_fen, sku.stock) == (2500, 50)
    assert Sku.objects.filter(product_id=sku.product_id).count() == 1
    assert c.patch(f"/api/v1/catalog/skus/{sku.pk}", {"price_fen": 2600}, content_type=J).status_code == 200
    sku.refresh_from_db()
    assert sku.price_fen == 2600


def test_booleans_and_strings_inside_lists_and_nested_schemas(shop: dict) -> None:
    c, sku = shop["client"], shop["sku"]
    r = c.post("/api/v1/orders/quote", {"items": [{"sku_id": sku.pk, "quantity": True}]}, content_type=J)
    assert r.status_code == 422 and r.json()["details"][0]["loc"][-3:] == ["items", 0, "quantity"]
    r = c.post("/api/v1/accounts/notifications/read", {"ids": [1, True]}, content_type=J)
    assert r.status_code == 422 and r.json()["details"][0]["loc"][-2:] == ["ids", 1]


def test_a_form_post_keeps_its_numeric_strings(shop: dict) -> None:
    c, sku = shop["client"], shop["sku"]
    r = c.post(CART, {"sku_id": str(sku.pk), "quantity": "2"})  # multipart/form-data, as the test client posts
    assert r.status_code == 200, r.content
    assert _quantity(shop["buyer"], sku) == 2
    r = c.post(CART, f"sku_id={sku.pk}&quantity=3", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 200 and _quantity(shop["buyer"], sku) == 5
    r = c.post(CART, {"sku_id": str(sku.pk), "quantity": "true"})  # a form's "true" is no number either
    assert r.status_code == 422 and _quantity(shop["buyer"], sku) == 5


# --- text: no NUL or other C0 control characters -------------------------------------------------------------------


@pytest.fixture
def community_member() -> dict:
    owner, alice = make_user("群主"), make_user("小美")
    community = community_create(owner=owner, name="护肤圈", slug="strict-skin", vertical="beauty")
    community_join(user=alice, community=community)
    post = post_create(author=owner, community=community, kind="note", title="第一帖", body="欢迎")
    return {"community": community, "alice": alice, "client": api_client(alice), "post": post}


@pytest.mark.parametrize("field, value", [
    ("title", "标题\x00"), ("body", "正文\x00里有 NUL"), ("body", "响铃\x07"), ("body", "\x1b[31m红字"),
    ("title", "\ud800"),
])
def test_control_characters_in_a_post_are_refused(community_member: dict, field: str, value: str) -> None:
    before = Post.objects.count()
    body = {"community": community_member["community"].slug, "title": "好物分享", "body": "今天买的面霜", field: value}
    r = community_member["client"].post("/api/v1/content/posts", body, content_type=J)
    assert r.status_code == 422, r.content
    data = r.json()
    assert data["code"] == "invalid_characters" and data["message"] == "文本包含不允许的控制字符"
    assert data["details"][0]["loc"][-1] == field
    assert Post.objects.count() == before


def test_control_characters_are_refused_in_comments_lists_dict_keys_and_forms(community_member: dict) -> None:
    c, post = community_member["client"], community_member["post"]
    r = c.post(f"/api/v1/content/posts/{post.pk}/comments", {"body": "好\x00评"}, content_type=J)
    assert r.status_code == 422 and r.json()["code"] == "invalid_characters"
    r = c.post(f"/api/v1/content/posts/{post.pk}/comments", {"body": "好\x00评"})  # the same as a form post
    assert r.status_code == 422 and r.json()["code"] == "invalid_characters"
    assert not Comment.objects.filter(post=post).exists()
    r = c.post("/api/v1/content/posts", {"community": community_member["community"].slug, "kind": "poll",
                                         "title": "喝什么", "poll_options": ["咖啡", "茶\x00"]}, content_type=J)
    assert r.status_code == 422 and r.json()["details"][0]["loc"][-2:] == ["poll_options", 1]
    # tab, line feed and carriage return are ordinary text
    r = c.post(f"/api/v1/content/posts/{post.pk}/comments", {"body": "第一行\r\n第二行\t完"}, content_type=J)
    assert r.status_code == 201, r.content


def test_control_characters_in_dict_keys_are_refused() -> None:
    errors = strict.input_errors(_SkuLike, {"spec": {"规\x00格": "大"}}, form=False)
    assert [e["loc"] for e in errors] == [("spec", "规\x00格")]


class _SkuLike(strict.Schema):
    spec: dict[str, str] = {}


def test_outside_a_request_schemas_stay_as_they_were() -> None:
    # Python callers and responses validate without the request in the context: nothing changes for them.
    assert _SkuLike.model_validate({"spec": {"a": "b\x00"}}).spec == {"a": "b\x00"}


def test_a_nul_that_reaches_the_database_is_not_called_a_number_out_of_range() -> None:
    from django.db import DataError

    assert _is_nul_error(DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))
    assert not _is_nul_error(DataError("integer out of range"))


@pytest.mark.postgres
def test_a_nul_in_a_path_parameter_is_invalid_characters_not_a_number(community_member: dict) -> None:
    # Query and path parameters are not schemas: PostgreSQL refuses the NUL (DataError), and the API names it.
    r = community_member["client"].get("/api/v1/communities/strict%00skin")
    assert r.status_code == 400 and r.json()["code"] == "invalid_characters", r.content


# --- every body of the API is covered ------------------------------------------------------------------------------


def _schemas_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _schemas_in(arg)


def test_every_request_body_schema_has_the_strict_input_rules() -> None:
    # The rules live in the base class quanzi.core.schema.Schema: a body schema built on ninja's Schema (or a
    # bare pydantic model) would let booleans-as-numbers and NUL bytes through again.
    bodies: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.models:
                    if issubclass(model, BodyModel | FormModel):
                        for field in model.model_fields.values():
                            bodies.update(_schemas_in(field.annotation))
    seen: set[type[BaseModel]] = set()
    todo = list(bodies)
    while todo:
        model = todo.pop()
        if model not in seen:
            seen.add(model)
            todo += [m for f in model.model_fields.values() for m in _schemas_in(f.annotation)]
    assert len(seen) > 40, "found too few request schemas: has ninja changed how it keeps operations?"
    loose = sorted(f"{m.__module__}.{m.__qualname__}" for m in seen if not issubclass(m, strict.Schema))
    assert not loose, f"request schemas not built on quanzi.core.schema.Schema: {loose}"


@pytest.mark.django_db
def test_a_page_form_with_a_nul_gets_a_clear_400_and_nothing_is_written(client) -> None:
    from quanzi.content.models import Post

    user = make_user()
    client.force_login(user)
    before = Post.objects.count()
    response = client.post("/compose/", {"title": "标题\x00", "body": "正文"})
    assert response.status_code == 400
    assert "invalid_characters" in response.content.decode()
    assert Post.objects.count() == before
    # a newline or a tab is ordinary text: the form answers on its own terms, not with invalid_characters
    client.logout()
    answer = client.post("/login/", {"login": "13900000000\t", "password": "a\nb"})
    assert "invalid_characters" not in answer.content.decode()
