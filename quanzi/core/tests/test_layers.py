"""The import rules (quanzi/core/layers.py): lower layers never import higher ones, apps never reach into another
app's models, nothing imports quanzi.web, no model is looked up by a string to hide a cycle; row locks live in
each app's `locks.py`. Plain AST scans: no Django needed."""

from __future__ import annotations

import ast
import pathlib

import pytest

from quanzi.core.layers import ALLOWED, LAYERS, check_source

ROOT = pathlib.Path(__file__).resolve().parents[2]  # .../quanzi


def _modules() -> list[tuple[str, pathlib.Path]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts)
        out.append((name.removesuffix(".__init__"), path))
    return out


MODULES = _modules()


def test_every_app_has_a_layer():
    # an app is a folder with apps.py, or a package of such folders (growth: one layer, one app per tool)
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()
            or (p.is_dir() and any((c / "apps.py").exists() for c in p.iterdir() if c.is_dir()))}
    assert apps == set(LAYERS)


def test_no_module_breaks_the_layer_rules():
    found = [str(v) for name, path in MODULES for v in check_source(name, path.read_text(encoding="utf-8"))]
    assert found == [], "\n".join(found)


def test_allowed_exceptions_are_few_and_explained():
    assert len(ALLOWED) <= 4
    assert all(reason.strip() for reason in ALLOWED.values())


# --- the checker catches what it should (a deliberate violation in a module that does not exist) ---------------


@pytest.mark.parametrize("module,source,rule", [
    ("quanzi.catalog.x", "from quanzi.orders import services\n", "lower layer imports a higher one"),
    ("quanzi.catalog.x", "def f():\n    from quanzi.orders.services import order_ship\n",
     "lower layer imports a higher one"),  # hidden in a function: still counts
    ("quanzi.content.x", "import quanzi.web.demo\n", "nothing below the top layer imports quanzi.web"),
    ("quanzi.payments.services", "from quanzi.orders.models import Order\n", "reaches into orders's models"),
    ("quanzi.payments.x", "from quanzi.orders import models\n", "reaches into orders's models"),
    ("quanzi.communities.services",
     "from django.apps import apps\nPost = apps.get_model('content', 'Post')\n", "hides the dependency"),
    ("quanzi.core.x", "from importlib import import_module\nimport_module('quanzi.accounts.services')\n",
     "lower layer imports a higher one"),
])
def test_checker_reports_a_deliberate_violation(module, source, rule):
    found = check_source(module, source)
    assert found and rule in found[0].rule, found


@pytest.mark.parametrize("module,source", [
    ("quanzi.orders.services.x", "from quanzi.catalog.services import stock_reserve\n"),  # downwards: fine
    ("quanzi.payments.x", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                          "    from quanzi.orders.models import Order\n"),  # a type hint only
    ("quanzi.content.models", "from quanzi.communities.models import Community\n"),  # a ForeignKey target
    ("quanzi.web.views", "from quanzi.orders import selectors\nfrom quanzi.payments import services\n"),
])
def test_checker_accepts_what_is_allowed(module, source):
    assert check_source(module, source) == []


def test_the_real_tree_fails_once_a_violation_is_added():
    """The same scan as above over the real catalog services plus one upward line: it is reported."""
    path = ROOT / "catalog" / "services.py"
    source = path.read_text(encoding="utf-8") + "\n\ndef _bad():\n    from quanzi.orders import selectors\n"
    found = check_source("quanzi.catalog.services", source)
    assert [v.imported for v in found] == ["quanzi.orders.selectors"]


# --- row locks -----------------------------------------------------------------------------------------------------


def test_row_locks_only_in_locks_modules():
    """`select_for_update` and the core lock primitives are used only in an app's `locks.py` (one helper per model,
    in primary-key order; the global order is in docs/ARCHITECTURE.md, "Lock order")."""
    found = []
    for name, path in MODULES:
        if name.endswith(".locks"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
                found.append(f"{name}:{node.lineno} select_for_update")
            if isinstance(node, ast.ImportFrom) and node.module == "quanzi.core.locks":
                found.append(f"{name}:{node.lineno} imports quanzi.core.locks")
    assert found == [], "\n".join(found)
