"""The layers of quanzi, lowest first, and the checker that keeps imports pointing down.

A module may import its own app and any app *below* it, never one above (docs/ARCHITECTURE.md, "The domain map").
Between apps it calls services and selectors (and uses enums, errors, locks, hooks), never another app's models.
`quanzi/core/tests/test_layers.py` runs `check_source` over every module and fails on what it reports.

Why this order (each app's real dependencies, read from the code):

- core: money, errors, locks, events, pages glue, this file. Imports no app.
- accounts: users, tokens, notifications. `quanzi.api_auth` (bearer/session auth for every router) sits here.
- wxlogin: WeChat identities (openid/unionid) bound to accounts, OAuth and mini-program login; payments reads the
  openid for JSAPI payment.
- communities: memberships and roles; needs accounts (users, notifications).
- content: posts live in communities (a Post has a community).
- catalog: a shelf belongs to a community and a product card to a post (`PostProduct.post`), so catalog is above
  content and communities.
- orders: lines are SKUs of merchants (catalog); attribution reads posts and shares (content).
- payments: a payment pays an order and books itself on it through `orders.services`; orders never call payments.
- aftersales: drives the refund of an order through orders and payments services.
- growth: campaigns (coupons, group-buys, flash sales) plug into orders' pricing and hooks, refund through
  payments and tell members through accounts; nothing below imports them. Its tools are sub-apps
  (`quanzi.growth.coupons` …), one layer together.
- loyalty: points, levels and paid membership, tasks, check-in rewards, badges, lotteries (sub-apps
  `quanzi.loyalty.points` …); rewards coupons through growth; plugs into orders' pricing and hooks.
- referrals: invite links and referral binding, distribution commissions (分销); rewards outcomes with loyalty's
  points and tasks, so it sits above loyalty.
- settlements: reads orders, payments and merchants to build statements.
- personas: per-member tags (用户画像, 四元分析法) computed from behaviour, orders, communities and follows, and
  the segments built on them; growth's campaigns target a segment through a registry, never by importing it.
- insight: the analytics export (Parquet) and the metrics over it (DuckDB; Spark for a cluster), dashboards; reads
  every app below and personas' segments.
- recommend: trains from the event log and serves "for you", "people also bought", "friends bought"; uses persona
  tags for cold start.
- live: live selling sessions (直播) in a community: real-time comments, likes and viewers over WebSockets, pinned
  products at a live price, orders credited to the session; reads communities' moderation, catalog, orders, growth.
- chat: one-to-one conversations (私信) and buyer↔merchant customer service (客服) about a product or an order.
- notify: notifications that reach people: per-member settings per kind, real-time delivery, channels (SMS,
  WeChat, email); listens to the moments of every app below (order status, group-buy, after-sales, commission,
  live sessions starting).
- ads: advertising bought by merchants (placements, prepaid balance, CPM/CPC billing, targeting by community or
  persona segment, reports) and the revenue mix across commission, membership, ads and the later revenue lines.
- paidcontent: paid posts, courses of lessons and KOL columns by subscription (知识付费), sold through orders and
  payments; access checked on every read; the author's share settled like merchant sales.
- kolmarket: the KOL marketplace (达人广场): a directory of KOLs with insight's figures, merchant↔KOL cooperation
  deals, the KOL's shelf at the agreed rate, commission and fees through the ledger, the platform's service fee.
- malls: mall communities (商场社群): a mall with its customer, tenant and partner communities, the mall
  operator role, shared calendar, joint campaigns and cross-promotion coupons.
- privacy: consent records, a member's data export and account deletion (PIPL); reads and anonymises every app
  below through their services.
- web: the top: pages that combine several apps (the buyer's order page with its cashier and after-sales, the
  merchant console), the demo data builder, the `serve` command. Nothing imports it. The project modules
  (`quanzi.api`, `quanzi.api_errors`, `quanzi.urls`, `quanzi.settings`, `quanzi.wsgi`) are at this level too.

A lower app learns about a higher one only through a registry the higher one fills in its `AppConfig.ready()`:
order moments and pricing (`orders.hooks`, `orders.pricing`), report targets (`communities.hooks`), stock held by
expired unpaid orders (`catalog.hooks`); and content's post page shows catalog's product cards through catalog's
`post_product_cards` template tag.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

LAYERS: tuple[str, ...] = (
    "core",
    "accounts",
    "wxlogin",
    "communities",
    "content",
    "catalog",
    "orders",
    "payments",
    "aftersales",
    "growth",
    "loyalty",
    "referrals",
    "settlements",
    "personas",
    "insight",
    "recommend",
    "live",
    "chat",
    "notify",
    "ads",
    "paidcontent",
    "kolmarket",
    "malls",
    "privacy",
    "web",
)
RANK = {name: i for i, name in enumerate(LAYERS)}

# modules directly under quanzi/ (not an app): the layer each belongs to
PROJECT_MODULES = {
    "quanzi.api_auth": "accounts",  # imported by every app's api.py; reads accounts' tokens
    "quanzi.api": "web",
    "quanzi.api_errors": "web",
    "quanzi.urls": "web",
    "quanzi.settings": "web",
    "quanzi.wsgi": "web",
    "quanzi.asgi": "web",
    "quanzi.cli": "web",  # the console script: runs management commands
    "quanzi": "core",
}

# Modules that may import another app's models: `models.py`, for a ForeignKey to it. Everything else (services,
# selectors, views, api, admin, jobs, locks, the demo) goes through the owning app's selectors and services, or
# imports the model under `if TYPE_CHECKING:` for a type hint. (No admin module needs another app's models today.)
MODELS_IMPORT_EXEMPT_SUFFIXES = (".models",)

# What a "lower layer imports a higher one" or "reaches into another app's models" rule may not catch, allowed
# on purpose. Keys: (importing module, imported module prefix). Keep each with the reason; an empty list is the goal.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}: {self.rule}"


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name under `quanzi`, or None for a module outside the project."""
    if module in PROJECT_MODULES:
        return PROJECT_MODULES[module]
    parts = module.split(".")
    if parts[0] != "quanzi":
        return None
    if len(parts) >= 2 and parts[1] in RANK:
        return parts[1]
    return PROJECT_MODULES.get(".".join(parts[:2]))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module) -> list[tuple[int, str, bool]]:
    """(line, imported module, under `if TYPE_CHECKING:`) for every import in the module, at any depth (an import
    inside a function counts: it hides a dependency, not removes it), and `import_module("quanzi....")` calls."""
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for stmt in node.body:
                visit(stmt, True)
            for stmt in node.orelse:
                visit(stmt, typing_only)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, typing_only) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from quanzi.orders import services` imports the module quanzi.orders.services
            found.extend((node.lineno, f"{node.module}.{alias.name}", typing_only) for alias in node.names)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "import_module" and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value, typing_only))
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return found


def _get_model_calls(tree: ast.Module) -> list[tuple[int, str]]:
    """`apps.get_model("content", "Post")`: a string that hides an import (and a cycle)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_model" \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            out.append((node.lineno, str(node.args[0].value).split(".")[0]))
    return out


def _models_module(imported: str) -> str | None:
    """`quanzi.orders.models.Order` / `quanzi.orders.models` -> `orders` (the app whose models these are)."""
    parts = imported.split(".")
    if len(parts) >= 3 and parts[0] == "quanzi" and parts[2] == "models" and parts[1] in RANK:
        return parts[1]
    return None


def check_source(module: str, source: str) -> list[Violation]:
    """Every import in `source` (the text of the dotted `module`) that breaks the layer rules."""
    own = layer_of(module)
    if own is None:
        return []
    tree = ast.parse(source)
    out: list[Violation] = []
    for line, imported, typing_only in _imports(tree):
        target = layer_of(imported)
        if target is None or any(imported.startswith(p) and module == m for (m, p) in ALLOWED):
            continue
        if target == "web" and own != "web":
            out.append(Violation(module, line, imported, "nothing below the top layer imports quanzi.web"))
        elif RANK[target] > RANK[own]:
            out.append(Violation(module, line, imported, f"{own} is below {target}: a lower layer imports a "
                                                         "higher one"))
        models_of = _models_module(imported)
        if models_of is not None and models_of != own and not typing_only \
                and not module.endswith(MODELS_IMPORT_EXEMPT_SUFFIXES):
            out.append(Violation(module, line, imported, f"{own} reaches into {models_of}'s models: call its "
                                                         "selectors or services (or import under TYPE_CHECKING "
                                                         "for a type hint)"))
    for line, label in _get_model_calls(tree):
        if label in RANK and label != own:
            out.append(Violation(module, line, f"apps.get_model({label!r}, ...)",
                                 "a model looked up by name hides the dependency: call that app's selectors"))
    return out
