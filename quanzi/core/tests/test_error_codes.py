"""Error codes are enums per app (`<app>/errors.py: ErrorCode`, core's in `core/errors.py`), every code a module
raises is in its app's enum, and the OpenAPI description lists them all."""

from __future__ import annotations

import ast
import importlib
import pathlib
from enum import StrEnum

import pytest

from quanzi.core.errors import DomainError, InvalidInput
from quanzi.core.layers import LAYERS

ROOT = pathlib.Path(__file__).resolve().parents[2]  # .../quanzi
# a layer that is a package of sub-apps (growth: coupons, groupbuy, flashsale): each sub-app has its own enum
SUB_APP_LAYERS = {"growth", "loyalty", "referrals"}
APPS_WITH_CODES = [a for a in LAYERS if a != "web" and a not in SUB_APP_LAYERS] + sorted(
    f"{layer}.{d.name}" for layer in SUB_APP_LAYERS for d in (ROOT / layer).iterdir() if (d / "apps.py").exists())
# the calls that raise a domain error with a code first (the classes, and the apps' helpers that take a code)
RAISERS = {"DomainError", "InvalidInput", "NotAuthenticated", "PermissionDenied", "NotFound", "Conflict",
           "TooManyRequests", "CallbackRejected", "rejected", "invalid", "conflict"}


def enum_of(app: str) -> type[StrEnum]:
    enum: type[StrEnum] = importlib.import_module(f"quanzi.{app}.errors").ErrorCode
    return enum


def check_codes(source: str, codes: set[str], names: set[str]) -> list[str]:
    """What in `source` raises a code outside `codes` (the values of its app's ErrorCode; `names` its members)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):  # `code = "callback_rejected"`: a DomainError subclass's default
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == "code" for t in stmt.targets) \
                        and isinstance(stmt.value, ast.Constant) and stmt.value.value not in codes:
                    found.append(f"{node.lineno}: default code {stmt.value.value!r}")
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in RAISERS:
            continue
        arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value not in codes:
            found.append(f"{node.lineno}: {arg.value!r} is not in ErrorCode")
        elif isinstance(arg, ast.JoinedStr):
            found.append(f"{node.lineno}: a code built by an f-string: wrap it in ErrorCode(...) so it is checked")
        elif isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") == "ErrorCode" and arg.attr not in names:
            found.append(f"{node.lineno}: ErrorCode.{arg.attr} does not exist")
    return found


def _modules() -> list[tuple[str, pathlib.Path]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        app = rel.parts[0] if len(rel.parts) > 1 else "core"  # quanzi/api.py and friends answer core's codes
        if app in SUB_APP_LAYERS and len(rel.parts) > 2:
            app = f"{app}.{rel.parts[1]}"
        out.append((app if app in APPS_WITH_CODES else "core", path))
    return out


def test_every_app_has_an_error_code_enum():
    for app in APPS_WITH_CODES:
        enum = enum_of(app)
        assert issubclass(enum, StrEnum) and len(enum) > 0, app
        assert all(m.name == m.value.upper() for m in enum), app


def test_every_code_raised_is_in_its_apps_enum():
    found = []
    for app, path in _modules():
        enum = enum_of(app)
        codes, names = {m.value for m in enum}, {m.name for m in enum}
        found += [f"{path.relative_to(ROOT.parent)}:{msg}" for msg in check_codes(path.read_text("utf-8"), codes,
                                                                                   names)]
    assert found == [], "\n".join(found)


def test_the_check_catches_a_code_missing_from_the_enum():
    codes = {m.value for m in enum_of("orders")}
    names = {m.name for m in enum_of("orders")}
    bad = ('from quanzi.core.errors import InvalidInput\n'
           'def f():\n    raise InvalidInput("no_such_code", "x")\n')
    assert check_codes(bad, codes, names) == ["3: 'no_such_code' is not in ErrorCode"]
    assert check_codes('def f(k):\n    raise errors.invalid(f"invalid_{k}", "x")\n', codes, names)
    assert check_codes("raise Conflict(ErrorCode.NO_SUCH_CODE, 'x')\n", codes, names)
    assert check_codes("raise Conflict(ErrorCode.OUT_OF_STOCK, 'x')\n", codes, names) == []


def test_a_code_from_the_enum_reads_as_plain_text():
    exc = InvalidInput(enum_of("orders").EMPTY_CART, "x")
    assert exc.code == "empty_cart" and type(exc.code) is str
    assert DomainError().code == "bad_request"


@pytest.mark.parametrize("app", APPS_WITH_CODES)
def test_the_openapi_description_lists_every_code(app):
    from quanzi.api import api

    for member in enum_of(app):
        assert f"`{member.value}`" in api.description, (app, member.value)
