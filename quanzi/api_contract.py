"""The published API contract: how quanzi/api.py turns ninja's operations into its OpenAPI description.

ninja's defaults made a schema SDK generators and contract testers choke on (issue #16, item 5):
- operation ids were the module path (`quanzi_orders_api_checkout`); here they are `<app>_<function>`
  (`orders_checkout`), the app being the package that holds the `api.py` (`quanzi.growth.coupons.api` → `coupons`);
- tags were the routers' mixed tags (`orders 订单`, two routers both tagged `growth …`); here every operation is
  tagged with its app (ASCII) and the description of that tag carries the router's own words;
- two schema classes with the same name (`StatusChangeOut` of orders and of aftersales) were merged silently, the
  second overwriting the first, so a client parsed one with the other's fields; here every class whose name is
  shared by another published class is named after its app too (`OrdersStatusChangeOut`,
  `AftersalesStatusChangeOut`) — decided over the whole API, so the name does not depend on the routers' order —
  and any clash left (or a duplicate operation id) is an error;
- an endpoint any visitor may call (auth `optional`: token, session or nobody) was published as needing a login;
  here it carries the empty security requirement `{}` too;
- only the success answers were documented; here every operation documents the error statuses the API layer and
  the services answer, each with the `{code, message}` body (`ApiError`).

Everything is derived from the operations themselves, so a router added tomorrow is covered without a list here.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any, get_args

from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from pydantic.json_schema import CoreModeRef, CoreRef, DefsRef, JsonSchemaMode

if TYPE_CHECKING:
    from ninja import NinjaAPI
    from ninja.operation import Operation

ERROR_SCHEMA_NAME = "ApiError"
ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "description": "Every error answer: the HTTP status with a machine `code` (see the list in the API "
                   "description) and a `message` in the request's language.",
    "properties": {
        "code": {"type": "string", "title": "Code"},
        "message": {"type": "string", "title": "Message"},
        "details": {"title": "Details", "description": "validation errors (422) or the error's parameters"},
        "request_id": {"type": "string", "title": "Request Id"},
    },
    "required": ["code", "message"],
}

# The error statuses any operation may answer, and why.
ERROR_STATUSES: dict[int, str] = {
    400: "Bad request (`bad_request`, `invalid_json`, a business rule of the app)",
    401: "Not logged in, the token expired, or wrong credentials (`not_authenticated`, `bad_credentials`)",
    403: "Logged in but not allowed (`permission_denied` and the apps' own codes)",
    404: "Not found, or not visible to this user (`not_found`)",
    409: "Conflict with the current state (`conflict` and the apps' own codes)",
    413: "Request body too large (`request_too_large`)",
    422: "Invalid input (`invalid_input` with `details`, `invalid_characters`)",
    429: "Too many requests (`too_many_requests`, with Retry-After)",
}

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def app_of(operation: Operation) -> str:
    """The app an operation belongs to: the package of its `api.py` (`quanzi.growth.coupons.api` → `coupons`);
    the API's own endpoints (quanzi/api.py) are `core`."""
    return _app_of_module(operation.view_func.__module__)


def _app_of_module(module: str) -> str:
    parts = module.split(".")
    if parts[-1] in ("api", "schemas"):
        parts = parts[:-1]
    return "core" if parts == ["quanzi"] else parts[-1]


def operation_id(operation: Operation) -> str:
    return f"{app_of(operation)}_{operation.view_func.__name__}"


def allows_anonymous(operation: Operation) -> bool:
    """True when a visitor may call the operation: no auth at all, or an auth list ending in a callable that lets
    anyone through (quanzi.api_auth.optional) — one without an OpenAPI security scheme."""
    callbacks = operation.auth_callbacks or []
    return not callbacks or any(not hasattr(cb, "openapi_security_schema") for cb in callbacks)


class Access(StrEnum):
    """Who may call a route: the classes of the authorization matrix (quanzi/web/tests/test_authorization_matrix.py)."""

    PUBLIC = "public"  # anyone, visitors included
    MEMBER = "member"  # any logged-in user
    OWNER = "owner"  # the owner of the object in the path (and staff)
    STAFF = "staff"  # platform operators only


def access_of(operation: Operation) -> Access | None:
    """A route's class: declared with `openapi_extra={"x-access": "..."}` (published in the schema), else from
    its auth: none or `optional` is public; `required` is member without a path parameter (the caller's own
    things) and owner-of-object with one. None when the auth is one this function does not know."""
    declared = (operation.openapi_extra or {}).get("x-access")
    if declared is not None:
        return Access(declared)
    callbacks = operation.auth_callbacks or []
    if not callbacks:
        return Access.PUBLIC
    schemes = [cb for cb in callbacks if hasattr(cb, "openapi_security_schema")]
    others = [cb for cb in callbacks if not hasattr(cb, "openapi_security_schema")]
    if others:
        if all(getattr(cb, "__name__", "") == "_anonymous" for cb in others):  # quanzi.api_auth.optional
            return Access.PUBLIC
        return None
    if schemes:
        return Access.OWNER if "{" in operation.path else Access.MEMBER
    return None


def _tag_description(router_tags: list[str]) -> str:
    """The router's words for a tag description: its Chinese part (`orders 订单` → `订单`)."""
    words = " ".join(router_tags)
    chinese = " ".join(w for w in words.split() if _NON_ASCII.search(w))
    return chinese or words


class SchemaNameClash(Exception):
    """Two different schemas published under one name: rename one of the classes (a client would parse one as
    the other)."""


# "quanzi.orders.schemas.StatusChangeOut:1234" (the number is the id() of the class)
_CORE_REF = re.compile(r"^(\w+(?:\.\w+)*)\.(\w+):(\d+)$")


class _AppQualifiedNames(NinjaGenerateJsonSchema):
    """Names a component `<App><Class>` when its class name is in `clashing`; records every quanzi class it names
    in `seen` (class name -> module.class), which is how the clashing names are found."""

    clashing: frozenset[str] = frozenset()
    seen: dict[str, set[str]] = {}
    paged_apps: dict[int, str] = {}  # id(ninja's PagedX class) -> the app of X (ninja makes them in its own module)

    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        core_ref, mode = core_mode_ref
        match = _CORE_REF.match(core_ref)
        if match:
            module, name, ref_id = match.groups()
            app = self.paged_apps.get(int(ref_id)) or (_app_of_module(module) if module.startswith("quanzi") else None)
            if app is not None:
                self.seen.setdefault(name, set()).add(f"{module}.{app}.{name}")
                if name in self.clashing:
                    prefix = "".join(part.capitalize() for part in app.split("_"))
                    core_ref = CoreRef(f"{module}.{prefix}{name}:{ref_id}")
        return super().get_defs_ref((core_ref, mode))


def _paged_apps(api: NinjaAPI) -> dict[int, str]:
    """id(PagedX) -> app of X, for every paginated answer (ninja.pagination makes `PagedX` with an `items: list[X]`)."""
    apps: dict[int, str] = {}
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for wrapper in operation.response_models.values():
                    fields = getattr(wrapper, "model_fields", {})
                    paged = fields["response"].annotation if "response" in fields else None
                    items = getattr(paged, "model_fields", {}).get("items")
                    if paged is None or items is None or not paged.__name__.startswith("Paged"):
                        continue
                    (item,) = get_args(items.annotation) or (None,)
                    if isinstance(item, type) and item.__module__.startswith("quanzi"):
                        apps[id(paged)] = _app_of_module(item.__module__)
    return apps


def build_schema(api: NinjaAPI, path_prefix: str) -> ContractOpenAPISchema:
    """Two passes: the first finds the class names two classes share, the second publishes them app-qualified."""
    seen: dict[str, set[str]] = {}
    paged = _paged_apps(api)
    first = type("_Recording", (_AppQualifiedNames,), {"seen": seen, "paged_apps": paged})
    ContractOpenAPISchema(api, path_prefix, generator=first, check=False)
    clashing = frozenset(name for name, classes in seen.items() if len(classes) > 1)
    second = type("_Qualifying", (_AppQualifiedNames,), {"seen": {}, "clashing": clashing, "paged_apps": paged})
    return ContractOpenAPISchema(api, path_prefix, generator=second)


class ContractOpenAPISchema(OpenAPISchema):
    def __init__(self, api: NinjaAPI, path_prefix: str, *, generator: type[NinjaGenerateJsonSchema],
                 check: bool = True) -> None:
        self.generator = generator
        self.tag_descriptions: dict[str, str] = {}
        self.schema_owners: dict[str, str] = {}  # component name -> the JSON of its first definition
        self.clashes: list[str] = []
        super().__init__(api, path_prefix)
        self["components"]["schemas"][ERROR_SCHEMA_NAME] = ERROR_SCHEMA
        self["tags"] = [{"name": name, "description": description}
                        for name, description in sorted(self.tag_descriptions.items())]
        duplicates = sorted({op_id for op_id in self._operation_ids() if self._operation_ids().count(op_id) > 1})
        if check and (self.clashes or duplicates):
            raise SchemaNameClash(
                "API contract broken: "
                + "; ".join([f"two different schemas are named {name!r}: rename one class" for name in self.clashes]
                            + [f"operation id {op_id!r} is used twice: rename one view function"
                               for op_id in duplicates]))

    def _operation_ids(self) -> list[str]:
        return [op["operationId"] for methods in self["paths"].values() for op in methods.values()]

    def _create_schema_from_model(self, model: Any, by_alias: bool = True, remove_level: bool = True,
                                  mode: JsonSchemaMode = "validation") -> tuple[dict[str, Any], bool]:
        """ninja's own, with the app-qualifying name generator instead of ninja's."""
        if hasattr(model, "__ninja_flatten_map__"):
            return super()._create_schema_from_model(model, by_alias, remove_level, mode)
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, by_alias=by_alias,
                                         schema_generator=self.generator, mode=mode).copy()
        if schema.get("$defs"):
            self.add_schema_definitions(schema.pop("$defs"))
        if remove_level and len(schema["properties"]) == 1:
            name, details = list(schema["properties"].items())[0]
            return details, name in schema.get("required", {})
        return schema, True

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            title = definition.get("title")
            if isinstance(title, str) and name != title and name.endswith(title):
                definition["title"] = name  # an app-qualified name: the title says the same
            existing = self.schemas.get(name)
            if existing is not None and existing != definition and _strip_titles(existing) != _strip_titles(
                    definition):
                self.clashes.append(name)
        super().add_schema_definitions(definitions)

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        result = super().operation_details(operation)
        app = app_of(operation)
        router_tags = result.pop("tags", None) or [app]
        self.tag_descriptions.setdefault(app, _tag_description(router_tags))
        result["tags"] = [app]
        if "security" in result and allows_anonymous(operation):
            result["security"] = [*result["security"], {}]  # {}: no credentials needed
        responses = result["responses"]
        for status in _error_statuses(operation):
            responses.setdefault(status, {
                "description": ERROR_STATUSES[status],
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}},
            })
        return result


def _error_statuses(operation: Operation) -> list[int]:
    # 401 too where no login is needed: a login with a wrong password, an expired token to refresh
    return list(ERROR_STATUSES)


def _strip_titles(value: Any) -> Any:
    """A definition without its `title`s: pydantic titles a model by its class name, so the same class seen in
    two modes can differ only there."""
    if isinstance(value, dict):
        return {k: _strip_titles(v) for k, v in value.items() if k != "title"}
    if isinstance(value, list):
        return [_strip_titles(v) for v in value]
    return value
