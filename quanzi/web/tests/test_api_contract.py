"""The published OpenAPI description follows the contract of quanzi/api_contract.py, checked on the live schema (so
every router, today's and tomorrow's), plus the answers the contract promises: 401 for anonymous writes, 413 JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from ninja import NinjaAPI, Router

from quanzi.api_contract import ERROR_SCHEMA_NAME, ERROR_STATUSES, SchemaNameClash, build_schema
from quanzi.core.schema import Schema

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from quanzi.api import api
    return api.get_openapi_schema()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, methods in schema["paths"].items() for method, op in methods.items()]


def test_operation_ids_are_app_and_function_and_unique(schema: dict[str, Any]) -> None:
    ops = _operations(schema)
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids))
    for _, path, op in ops:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", op["operationId"]), op["operationId"]
        (tag,) = op["tags"]
        assert op["operationId"].startswith(tag + "_"), (path, op["operationId"], tag)
    assert "orders_checkout" in ids and "aftersales_request_create" in ids


def test_tags_are_ascii_with_their_chinese_in_the_description(schema: dict[str, Any]) -> None:
    declared = {t["name"]: t["description"] for t in schema["tags"]}
    used = {op["tags"][0] for _, _, op in _operations(schema)}
    assert used == set(declared)
    assert all(name.isascii() and re.fullmatch(r"[a-z_]+", name) for name in declared)
    assert declared["orders"] == "订单" and declared["groupbuy"] == "拼团" and declared["flashsale"] == "秒杀"


def test_schema_names_are_unique_per_class(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert "StatusChangeOut" not in components
    assert "reason" in components["OrdersStatusChangeOut"]["properties"]
    assert "note" in components["AftersalesStatusChangeOut"]["properties"]
    assert components["OrdersStatusChangeOut"]["title"] == "OrdersStatusChangeOut"


def test_every_operation_documents_its_errors_with_code_and_message(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"][ERROR_SCHEMA_NAME]
    assert error["required"] == ["code", "message"]
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for method, path, op in _operations(schema):
        for status in ERROR_STATUSES:
            assert op["responses"][status]["content"]["application/json"]["schema"] == ref, (method, path)


def test_public_endpoints_do_not_demand_a_login(schema: dict[str, Any]) -> None:
    by_id = {op["operationId"]: op for _, _, op in _operations(schema)}
    assert {} in by_id["catalog_product_list"]["security"]  # auth=optional: token, session or nobody
    assert "security" not in by_id["accounts_signup"]  # auth=None
    assert {} not in by_id["orders_checkout"]["security"]  # auth=required


def test_a_clash_the_generator_cannot_resolve_is_an_error() -> None:
    class ClashOut(Schema):
        a: int

    router_a, router_b = Router(), Router()

    @router_a.get("/x", response=ClashOut)
    def same(request: Any) -> Any:
        return {"a": 1}

    def also_same(request: Any) -> Any:
        return {"a": 1}

    also_same.__name__ = "same"  # two views of one name in one module: one operation id twice
    router_b.get("/y", response=ClashOut)(also_same)

    api = NinjaAPI(urls_namespace="contract-clash-test")
    api.add_router("/a", router_a)
    api.add_router("/b", router_b)
    with pytest.raises(SchemaNameClash, match="operation id"):
        build_schema(api, "")


def test_two_classes_with_one_name_are_published_under_their_apps_names() -> None:
    alpha = type("ThingOut", (Schema,), {"__module__": "quanzi.alpha.schemas", "__annotations__": {"a": int}})
    beta = type("ThingOut", (Schema,), {"__module__": "quanzi.beta.schemas", "__annotations__": {"b": str}})
    router = Router()

    @router.get("/alpha", response=list[alpha])  # type: ignore[valid-type]
    def alpha_list(request: Any) -> Any:
        return []

    @router.get("/beta", response=beta)
    def beta_get(request: Any) -> Any:
        return {"b": ""}

    api = NinjaAPI(urls_namespace="contract-names-test")
    api.add_router("/things", router)
    components = build_schema(api, "")["components"]["schemas"]
    assert "ThingOut" not in components
    assert components["AlphaThingOut"]["properties"].keys() == {"a"}
    assert components["BetaThingOut"]["properties"].keys() == {"b"}


def test_anonymous_writes_answer_401_with_or_without_a_session_cookie() -> None:
    fresh = Client()
    assert fresh.post("/api/v1/orders/cart/items", {"sku_id": 1}, content_type="application/json").status_code == 401
    visitor = Client()
    visitor.cookies["sessionid"] = "not-a-session"  # an anonymous browser with a session cookie: still 401, not 403
    response = visitor.post("/api/v1/orders/cart/items", {"sku_id": 1}, content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_logged_in_session_still_needs_csrf(member: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    response = browser.post("/api/v1/orders/cart/items", {"sku_id": 1}, content_type="application/json")
    assert response.status_code == 403


def test_a_body_too_large_is_a_json_413(settings: Any) -> None:
    settings.QUANZI_REQUEST_LIMITS = {**settings.QUANZI_REQUEST_LIMITS, "API_JSON_BYTES": 100}
    response = Client().post("/api/v1/accounts/login", {"login": "x" * 200, "password": "p"},
                             content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
