"""The event catalogue is the contract of the event log: every `track()` name in the source is in it (checked
statically here, and at run time by `track()` itself), and every entry in it is still tracked somewhere."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from quanzi.aftersales.enums import ModerationAction
from quanzi.content.enums import ReactionKind
from quanzi.core.enums import TouchKind
from quanzi.core.event_catalogue import CATALOGUE, problems
from quanzi.core.events import touch_record, track
from quanzi.core.models import Event, Touch

SOURCE = Path(settings.BASE_DIR) / "quanzi"


# --- the static scanner ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    problem: str


@dataclass
class Names:
    exact: set[str]
    prefixes: set[str]  # literal heads of f-strings: f"post.{kind}" -> "post."
    unresolved: list[str]


def _is_track(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Name) and f.id == "track") or (isinstance(f, ast.Attribute) and f.attr == "track")


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _enclosing(tree: ast.AST, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    best = None
    for fn in _functions(tree):
        if node in ast.walk(fn) and (best is None or fn in ast.walk(best)):
            best = fn
    return best


def _resolve(expr: ast.expr, tree: ast.Module, fn: ast.FunctionDef | ast.AsyncFunctionDef | None,
             depth: int = 0) -> Names:
    """The event names an expression can take: literals, f-string heads, both arms of `a if c else b`, and a
    variable's values (its literal assignments in the function, or the literal arguments every caller in the module
    passes for that parameter). Anything else is reported as unresolved."""
    out = Names(set(), set(), [])

    def merge(other: Names) -> None:
        out.exact |= other.exact
        out.prefixes |= other.prefixes
        out.unresolved += other.unresolved

    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        out.exact.add(expr.value)
    elif isinstance(expr, ast.JoinedStr):
        head = ""
        for part in expr.values:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                break
            head += part.value
        else:
            out.exact.add(head)
            return out
        if head:
            out.prefixes.add(head)
        else:
            out.unresolved.append(ast.unparse(expr))
    elif isinstance(expr, ast.IfExp):
        merge(_resolve(expr.body, tree, fn, depth + 1))
        merge(_resolve(expr.orelse, tree, fn, depth + 1))
    elif isinstance(expr, ast.Name) and fn is not None and depth < 5:
        found = False
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id
                                                    for t in node.targets):
                merge(_resolve(node.value, tree, fn, depth + 1))
                found = True
        params = [a.arg for a in fn.args.args + fn.args.kwonlyargs]
        if expr.id in params:
            for call in ast.walk(tree):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == fn.name:
                    for kw in call.keywords:
                        if kw.arg == expr.id:
                            merge(_resolve(kw.value, tree, _enclosing(tree, call), depth + 1))
                            found = True
        if not found:
            out.unresolved.append(expr.id)
    else:
        out.unresolved.append(ast.unparse(expr))
    return out


def scan(root: Path) -> tuple[list[Finding], set[str], set[str], int]:
    """Every `track(...)` call under `root` (tests and migrations left out). Returns the findings (names not in
    the catalogue, f-string heads no entry starts with, names that cannot be known statically), the exact names
    and f-string heads seen, and the number of calls."""
    findings: list[Finding] = []
    exact: set[str] = set()
    prefixes: set[str] = set()
    calls = 0
    for path in sorted(root.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(root).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and _is_track(call)):
                continue
            calls += 1
            where = str(path.relative_to(root.parent))
            if not call.args:
                findings.append(Finding(where, call.lineno, "track() without an event name"))
                continue
            names = _resolve(call.args[0], tree, _enclosing(tree, call))
            exact |= names.exact
            prefixes |= names.prefixes
            findings += [Finding(where, call.lineno, f"unknown event {n!r}")
                         for n in sorted(names.exact) if n not in CATALOGUE]
            findings += [Finding(where, call.lineno, f"no catalogue entry starts with {p!r}")
                         for p in sorted(names.prefixes) if not any(n.startswith(p) for n in CATALOGUE)]
            findings += [Finding(where, call.lineno, f"event name not statically known: {u}")
                         for u in names.unresolved]
    return findings, exact, prefixes, calls


# Names made by f-strings, from the enums they format (interactions.reaction_toggle, reviews._moderate).
FORMATTED = ({f"post.{k}" for k in ReactionKind.values} | {f"post.un{k}" for k in ReactionKind.values}
             | {f"review.{a}" for a in ModerationAction.values})


def test_every_tracked_name_in_the_source_is_in_the_catalogue() -> None:
    findings, _exact, _prefixes, calls = scan(SOURCE)
    assert calls > 100, "the scanner found almost no track() calls; is it still looking in the right place?"
    assert not findings, "\n".join(f"{f.path}:{f.line}: {f.problem}" for f in findings) + (
        "\n-> add the event to quanzi/core/event_catalogue.py (name, meaning, object, props)")


def test_every_catalogue_entry_is_still_tracked_somewhere() -> None:
    _findings, exact, prefixes, _calls = scan(SOURCE)
    assert prefixes == {"post.", "post.un", "review."}, "a new f-string name: add its enum to FORMATTED"
    dead = sorted(set(CATALOGUE) - exact - FORMATTED)
    assert not dead, f"catalogue entries no code tracks any more: {dead}"


def test_f_string_names_cover_every_value_of_their_enums() -> None:
    assert FORMATTED <= set(CATALOGUE), sorted(FORMATTED - set(CATALOGUE))


def test_the_scanner_reports_a_name_that_is_not_in_the_catalogue(tmp_path: Path) -> None:
    pkg = tmp_path / "quanzi"
    (pkg / "tests").mkdir(parents=True)
    (pkg / "bad.py").write_text(
        "from quanzi.core.events import track\n"
        "\n"
        "def ok(user):\n"
        "    track('user.login', user=user, obj=user)\n"
        "\n"
        "def bad(user, kind):\n"
        "    track('made.up', user=user)\n"
        "    track(f'nope.{kind}')\n"
        "    track(f'{kind}.x')\n"
        "    track('user.login' if kind else 'also.made.up')\n"
        "    name = 'assigned.made.up'\n"
        "    track(name)\n"
        "    _move(event='passed.made.up')\n"
        "\n"
        "def _move(*, event):\n"
        "    track(event)\n",
        encoding="utf-8")
    (pkg / "tests" / "test_x.py").write_text("track('ignored.in.tests')\n", encoding="utf-8")
    findings, exact, prefixes, calls = scan(pkg)
    got = {(f.line, f.problem) for f in findings}
    assert got == {
        (7, "unknown event 'made.up'"),
        (8, "no catalogue entry starts with 'nope.'"),
        (9, "event name not statically known: f'{kind}.x'"),
        (10, "unknown event 'also.made.up'"),
        (12, "unknown event 'assigned.made.up'"),
        (16, "unknown event 'passed.made.up'"),
    }
    assert all(f.path == "quanzi/bad.py" for f in findings) and calls == 7
    assert "user.login" in exact and prefixes == {"nope."}


# --- the catalogue itself ----------------------------------------------------------------------------------------


def test_every_entry_is_well_formed() -> None:
    models = {m._meta.model_name for m in apps.get_models() if m.__module__.startswith("quanzi.")}
    for name, spec in CATALOGUE.items():
        assert spec.name == name and re.fullmatch(r"[a-z_]+\.[a-z_]+", name), name
        assert re.search(r"[\u4e00-\u9fff]", spec.meaning) and spec.meaning.endswith("."), name
        assert spec.app and apps.is_installed(f"quanzi.{spec.app}"), name
        assert spec.object is None or spec.object in models, f"{name}: no model named {spec.object!r}"
        assert all(re.fullmatch(r"[a-z_]+", p) for p in spec.props), name


# --- track() checks at run time ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_name_raises_and_records_nothing(member) -> None:  # type: ignore[no-untyped-def]
    before = Event.objects.count()
    with pytest.raises(ValueError, match="unknown event 'no.such.event'"):
        track("no.such.event", user=member)
    assert Event.objects.count() == before


@pytest.mark.django_db
def test_an_undeclared_missing_or_mistyped_prop_or_a_wrong_object_raises(member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="prop 'colour' is not declared"):
        track("user.logout_all", user=member, obj=member, tokens=1, colour="red")
    with pytest.raises(ValueError, match="required prop 'tokens' is missing"):
        track("user.logout_all", user=member, obj=member)
    with pytest.raises(ValueError, match="prop 'tokens' must be int, got str"):
        track("user.logout_all", user=member, obj=member, tokens="1")
    with pytest.raises(ValueError, match="prop 'tokens' must be int, got bool"):
        track("user.logout_all", user=member, obj=member, tokens=True)
    with pytest.raises(ValueError, match="object must be 'community', got 'user'"):
        track("community.leave", user=member, obj=member)
    with pytest.raises(ValueError, match="needs an object"):
        track("community.leave", user=member)
    with pytest.raises(ValueError, match="takes no object"):
        track("cart.clear", user=member, obj=member, removed=0)
    assert not Event.objects.filter(user=member).exclude(name="user.signup").exists()


def test_problems_is_empty_for_a_call_that_keeps_the_contract() -> None:
    assert problems("post.create", object_type="post", props={"kind": "note", "status": "published",
                                                               "images": 0}) == []
    assert problems("payment.callback_rejected", props={"gateway": "sandbox", "code": "bad_sign"}) == []


@pytest.mark.django_db
def test_in_production_a_broken_call_is_logged_and_still_recorded(member, settings,  # type: ignore[no-untyped-def]
                                                                  caplog) -> None:
    settings.DEBUG = False
    settings.TESTING = False
    with caplog.at_level(logging.ERROR, logger="quanzi.events"):
        e = track("no.such.event", user=member, colour="red")
    assert Event.objects.filter(pk=e.pk, name="no.such.event", props={"colour": "red"}).exists()
    assert "unknown event 'no.such.event'" in caplog.text


@pytest.mark.django_db
def test_debug_is_strict_even_outside_tests(member, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.TESTING = False
    with pytest.raises(ValueError):
        track("no.such.event", user=member)


# --- created_at can be set (importing history) --------------------------------------------------------------------


@pytest.mark.django_db
def test_track_at_sets_the_time_for_imported_history(member) -> None:  # type: ignore[no-untyped-def]
    then = timezone.now() - dt.timedelta(days=400)
    e = track("user.login", user=member, obj=member, at=then)
    e.refresh_from_db()
    assert e.created_at == then
    with pytest.raises(ValueError, match="aware"):
        track("user.login", user=member, obj=member, at=dt.datetime(2024, 1, 1))


@pytest.mark.django_db
def test_without_at_the_time_follows_the_clock_services_read(member) -> None:  # type: ignore[no-untyped-def]
    # The demo builder moves `timezone.now`; auto_now_add followed it, and so must the default of track().
    moment = timezone.now() - dt.timedelta(days=12)
    with mock.patch.object(timezone, "now", return_value=moment):
        e = track("user.login", user=member, obj=member)
        t = touch_record(user=member, kind=TouchKind.SHARE_VIEW, post_id=1, share_token="tok")
    e.refresh_from_db()
    assert e.created_at == moment and t is not None and t.created_at == moment


# --- touches ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_touch_record_checks_its_kind_and_skips_anonymous_visitors(member) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    assert touch_record(user=None, kind=TouchKind.SHARE_VIEW, post_id=1, share_token="t") is None
    assert touch_record(user=AnonymousUser(), kind=TouchKind.SHARE_VIEW, post_id=1, share_token="t") is None
    with pytest.raises(ValueError):
        touch_record(user=member, kind=TouchKind.CARD_CLICK, post_id=1)  # no product
    with pytest.raises(ValueError):
        touch_record(user=member, kind=TouchKind.SHARE_VIEW, post_id=1)  # no token
    with pytest.raises(ValueError):
        touch_record(user=member, kind="poke", post_id=1, share_token="t")
    assert not Touch.objects.exists()


@pytest.mark.django_db
def test_card_clicks_and_share_views_leave_a_touch(member) -> None:  # type: ignore[no-untyped-def]
    from conftest import make_user
    from quanzi.catalog import services as catalog
    from quanzi.catalog.tests import factories as f
    from quanzi.communities.enums import Role
    from quanzi.content import services as content

    c = f.community()
    kol = make_user("达人")
    f.add_member(c, kol, Role.KOL)
    p, _sku = f.product_with_sku(f.approved_merchant())
    post = f.post(c, kol)
    catalog.post_product_attach(user=kol, post_id=post.pk, product_id=p.pk)
    catalog.product_card_click(user=member, post_id=post.pk, product_id=p.pk, share_token="s1")
    share = content.share_create(user=kol, post=post)
    content.share_visit(token=share.token, viewer=member)
    content.share_visit(token=share.token, viewer=None)  # anonymous: an event, no touch
    content.post_view(viewer=member, post=post)  # no share token: not a touch
    content.post_view(viewer=member, post=post, share_token="not-this-posts-token")  # ignored token: no touch
    rows = list(Touch.objects.order_by("id").values_list("user_id", "kind", "product_id", "post_id", "share_token",
                                                         "community_id"))
    assert rows == [(member.pk, "card_click", p.pk, post.pk, "s1", c.pk),
                    (member.pk, "share_view", None, post.pk, share.token, c.pk)]


@pytest.mark.django_db
def test_the_data_migration_copies_touches_out_of_the_event_log(member) -> None:  # type: ignore[no-untyped-def]
    migration = importlib.import_module("quanzi.core.migrations.0003_touches_from_events")
    then = timezone.now() - dt.timedelta(days=2)
    Event.objects.bulk_create([
        Event(name="product.card_click", user=member, object_type="product", object_id=11, community_id=3,
              share_token="s", props={"post_id": 22}, created_at=then),
        Event(name="product.card_click", user=member, object_type="product", object_id=12, props={}),  # no post
        Event(name="post.view", user=member, object_type="post", object_id=22, community_id=3, share_token="tok",
              created_at=then),
        Event(name="post.view", user=member, object_type="post", object_id=22),  # no token: not a touch
        Event(name="post.view", object_type="post", object_id=22, share_token="tok"),  # anonymous
        Event(name="page.product", user=member, object_type="product", object_id=11),
    ])
    migration.copy_touches(apps, None)
    rows = set(Touch.objects.values_list("user_id", "kind", "product_id", "post_id", "share_token", "community_id",
                                         "created_at"))
    assert rows == {(member.pk, "card_click", 11, 22, "s", 3, then), (member.pk, "share_view", None, 22, "tok", 3, then)}
    assert Event.objects.get(object_id=11, object_type="product", name="product.view").props == {"via": "page"}
