"""The authorization matrix: every API operation and every page, generated from the URL conf (a route added
tomorrow is in it by default), × {anonymous, member, admin/KOL of another community, merchant A, merchant B,
operator}.

Path parameters are filled with objects of the world (contract_world.py) that belong to the member or to
merchant A — a community, the member's order at merchant A, its payment, merchant A's product — so merchant B and
the KOL of another community are outsiders to every object in a path.

Each route's class comes from its declaration, never from what it answers:
- API: the auth it declares — `optional` / `None` is **public**, `required` is **member** (logged in); a route
  whose object in the path only its owner, or staff, may see is all other login routes with a path parameter:
  **owner-of-object**, unless it declares `openapi_extra={"x-access": "member"}` (any logged-in user: a public
  profile, one's own check-ins in a community) — quanzi/api_contract.py `access_of`. An auth the contract does
  not know makes the test fail, asking the author to classify the route.
- pages: django.contrib.auth's `login_required` on the view (seen through its wrappers) is **member**, the others
  public; a page with a path parameter that anonymous visitors may not see is owner-of-object unless listed in
  `SHARED_PAGES` below with the reason.

- staff: the routes listed in `STAFF_API` / `STAFF_PAGES` (operators only); a login route without an object that
  answers the operator and refuses every other role must be listed (the test says so), and no other role may get
  a 2xx from a listed one, read or write.

What holds for every route and role: no 5xx. Login routes: anonymous gets 401 (API) or the login redirect (pages),
for reads and writes alike (never 403 CSRF). Public API reads: anonymous is answered (not 401/403). Owner-of-object
reads and writes: the outsiders (merchant B, the KOL of another community) never get 2xx on the member's /
merchant A's objects (a write that acts on the caller's own relation to the object is in `ACTS_ON_CALLER`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from quanzi.accounts.models import User
from quanzi.api import api as ninja_api
from quanzi.api_contract import Access, access_of
from quanzi.web.tests.contract_world import ContractWorld, world_fixture

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "admin_elsewhere", "merchant_a", "merchant_b", "operator")
OUTSIDERS = ("admin_elsewhere", "merchant_b")
NOT_PAGES = ("admin/", "api/", "i18n/", "media/", "^media/", "favicon.ico", "static/")
# Pages whose object anonymous visitors may not see but every logged-in user may (reason given).
SHARED_PAGES: dict[str, str] = {
    "live-schedule": "the form to schedule a live session in a community the viewer can see; the service "
                     "(live.services.session_schedule) refuses the POST to anyone not allowed to host there",
    "community-calendar": "a public community's content calendar: any logged-in user reads what it may read "
                          "(content.selectors.content_calendar filters by viewer)",
}

# Staff-only routes (operators: `is_staff`), by operation id (API) or URL name (page). The matrix checks that no
# other role gets a 2xx from them, for reads and writes; and a route that answers the operator but refuses every
# other logged-in role must be listed here (so a new staff route is declared, never left unclassified).
STAFF_API: set[str] = {
    "catalog_merchant_list", "catalog_merchant_approve", "catalog_merchant_reject", "catalog_merchant_suspend",
    "catalog_category_create", "catalog_brand_create",  # merchant admission and the platform's category tree
    "ads_review_queue", "ads_revenue_mix",  # ads: the operators' review queue and the revenue mix
    "content_sensitive_words", "content_sensitive_word_create", "content_sensitive_word_delete",  # the word list
    "distribution_queue", "distribution_approve", "distribution_reject",  # commission withdrawals
    "personas_segment_list",  # called without a community: platform segments (a community's admins pass its id)
    "malls_mall_create",  # the platform opens a mall for its first operator
}
STAFF_PAGES: set[str] = {
    "ops-settlements", "ops-settlements-generate", "ops-settlement", "ops-settlement-export",
    "ops-settlement-action", "withdrawal-queue", "withdrawal-action", "ads-review", "ads-revenue",
    "insight-platform", "insight-campaigns",
    "segments", "lottery-new",  # reached without a community: the platform's (a community's admins pass its id)
}
# Login routes with an object in the path that act on the caller's own relation to it, not on the object: any
# logged-in user may call them on anyone's object (reason given).
ACTS_ON_CALLER: dict[str, str] = {
    "accounts_follow": "the caller follows the user in the path",
    "accounts_unfollow": "the caller stops following the user in the path",
    "communities_community_join": "the caller joins a public community",
    "communities_community_leave": "the caller leaves the community",
    "chat_unblock": "the caller lifts their own block of the user in the path",
    "chat_block": "the caller blocks the user in the path",
}
NON_STAFF = ("member", "admin_elsewhere", "merchant_a", "merchant_b")


@dataclass(frozen=True)
class Route:
    kind: str  # "api" | "page"
    method: str
    path: str  # with {name} / <conv:name> placeholders
    name: str  # operation id or view name
    access: Access | None


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ContractWorld]:
    yield from world_fixture(django_db_blocker)


def api_routes() -> list[Route]:
    routes = []
    for router in ninja_api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            full = "/api/v1/" + "/".join(p for p in (router.prefix, path) if p)
            for operation in path_view.operations:
                for method in operation.methods:
                    name = operation.operation_id or ninja_api.get_openapi_operation_id(operation)
                    access = Access.STAFF if name in STAFF_API else access_of(operation)
                    routes.append(Route("api", method, re.sub(r"/+", "/", full), name, access))
    return routes


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def _requires_login(view: Any) -> bool:
    """django.contrib.auth's login_required (user_passes_test) marks its wrapper with `redirect_field_name`, which
    functools.wraps carries through the decorators above it."""
    while view is not None:
        if hasattr(view, "redirect_field_name"):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def page_routes() -> list[Route]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(NOT_PAGES) or route.startswith("^"):
            continue
        view = pattern.callback
        name = pattern.name or view.__name__
        access = Access.STAFF if name in STAFF_PAGES else Access.MEMBER if _requires_login(view) else Access.PUBLIC
        routes.append(Route("page", "GET", "/" + route, name, access))
    return routes


def _values(world: ContractWorld) -> dict[str, Any]:
    order = world.extra["order"]
    sku = world.extra["sku"]
    community = world.community
    assert community is not None
    return {"order_id": order.pk, "payment_no": world.extra["payment_no"], "slug": community.slug,
            "community_id": community.pk, "user_id": world.users["member"].pk,  # type: ignore[union-attr]
            "product_id": sku.product_id, "sku_id": sku.pk, "post_id": world.extra["post"].pk}


def _fill(route: Route, values: dict[str, Any]) -> tuple[str, bool]:
    """The path with its parameters filled; True when every parameter is an object of the world."""
    known = True

    def value(name: str) -> str:
        nonlocal known
        if name in values:
            return str(values[name])
        known = False
        return "999999" if not name.endswith(("slug", "code", "token", "key", "kind", "fmt", "letter", "board",
                                              "action", "job_id", "payment_no")) else "zz-none"

    path = re.sub(r"\{(?:\w+:)?(\w+)\}", lambda m: value(m.group(1)), route.path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), path)
    return path, known


def _has_params(route: Route) -> bool:
    return bool(re.search(r"[{<]", route.path))


def test_every_route_is_classified() -> None:
    unclassified = [r for r in api_routes() + page_routes() if r.access is None]
    assert not unclassified, (
        "These routes have an auth the contract cannot classify: declare auth=required (member), "
        "auth=optional / None (public), or openapi_extra={'x-access': 'public'|'member'|'owner'|'staff'}: "
        + ", ".join(f"{r.method} {r.path} ({r.name})" for r in unclassified))


def test_authorization_matrix(world: ContractWorld) -> None:
    values = _values(world)

    def fresh_clients(kind: str) -> dict[str, Client]:
        """Clients with new credentials for each role."""
        out = {}
        for role in ROLES:
            user = world.users[role]
            if kind == "api":
                out[role] = Client() if user is None else Client(
                    HTTP_AUTHORIZATION=world.bearer(role)["Authorization"])
            else:
                out[role] = Client()
                if user is not None:  # from the database: "log out everywhere" changed the session hash's epoch
                    out[role].force_login(User.objects.get(pk=user.pk))
        return out

    problems: list[str] = []
    tried: Counter[str] = Counter()
    clients_of: dict[str, dict[str, Client]] = {}
    for route in api_routes() + page_routes():
        path, known_objects = _fill(route, values)
        answers: dict[str, int] = {}
        if route.kind not in clients_of:  # made when first needed: the API's "log out everywhere" ends sessions too
            clients_of[route.kind] = fresh_clients(route.kind)
        clients = clients_of[route.kind]
        for role in ROLES:
            client = clients[role]
            response = _call(client, route, path)
            answers[role] = response.status_code
            tried[route.kind] += 1
            tried[f"{route.kind} {role} {response.status_code // 100}xx"] += 1
            if response.status_code >= 500:
                problems.append(f"{role} {route.method} {path}: {response.status_code}")
        problems.extend(_judge(route, path, known_objects, answers))
        if route.method != "GET":  # the write may have ended its caller's session (logout, log out everywhere)
            clients_of.pop(route.kind)
    print(f"authorization matrix: api={tried['api']} page={tried['page']} requests, "
          f"{len(api_routes())} operations, {len(page_routes())} pages, {len(ROLES)} roles")
    print("  " + ", ".join(f"{k}={v}" for k, v in sorted(tried.items()) if " " in k))
    assert not problems, f"{len(problems)} authorization problems:\n" + "\n".join(problems[:100])
    # not vacuous: the owners do reach their objects through the filled paths
    for path, role in [(f"/api/v1/orders/{values['order_id']}", "member"),
                       (f"/api/v1/orders/merchant/orders/{values['order_id']}", "merchant_a"),
                       (f"/api/v1/payments/{values['payment_no']}", "member")]:
        assert fresh_clients("api")[role].get(path).status_code == 200, (role, path)


def _call(client: Client, route: Route, path: str) -> Any:
    method = route.method.lower()
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data={}, content_type="application/json")


def _judge(route: Route, path: str, known_objects: bool, answers: dict[str, int]) -> list[str]:
    out = []
    anonymous = answers["anonymous"]
    where = f"{route.method} {path} ({route.name}, {route.access})"
    if route.kind == "api":
        if route.access is not Access.PUBLIC and anonymous != 401:
            out.append(f"anonymous got {anonymous}, not 401, on a login route: {where}")
        for role in ROLES[1:]:
            if answers[role] == 401:
                out.append(f"{role} got 401 with a valid token: {where}")
        if route.access is Access.PUBLIC and route.method == "GET" and anonymous in (401, 403):
            out.append(f"anonymous got {anonymous} on a public read: {where}")
        private = route.access in (Access.OWNER, Access.STAFF)
    else:
        if route.access in (Access.MEMBER, Access.STAFF) and anonymous not in (302, 401, 403, 404, 405):
            out.append(f"anonymous got {anonymous} on a login page: {where}")
        private = anonymous != 200 and _has_params(route) and route.name not in SHARED_PAGES
    if private and known_objects and route.name not in ACTS_ON_CALLER:  # neither sees nor changes the object
        for role in OUTSIDERS:
            if 200 <= answers[role] < 300:
                verb = "got" if route.method == "GET" else "changed with"
                out.append(f"{role} (an outsider) {verb} {answers[role]} someone else's object: {where}")
    if route.access is Access.STAFF:
        for role in NON_STAFF:
            if 200 <= answers[role] < 300:
                out.append(f"{role} got {answers[role]} on a staff route: {where}")
    elif route.method == "GET" and route.access is Access.MEMBER and not _has_params(route) \
            and 200 <= answers["operator"] < 300 \
            and all(answers[role] in (302, 403, 404) for role in NON_STAFF):
        out.append(f"only the operator is answered: a staff route, declare it in STAFF_API / STAFF_PAGES: {where}")
    return out
