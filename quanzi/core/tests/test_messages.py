"""The message catalogue (`core.messages`): texts we store for someone to read later are stored as a message id and
its parameters and shown in the reader's language. Every `msg()` id in the source is in the catalogue (checked
statically here, and at run time by `msg()` itself), every entry is still used, every entry has English, and a
broken message raises in tests but falls back to the stored text in production."""

from __future__ import annotations

import ast
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from quanzi.core.messages import (
    CATALOGUE,
    PLACEHOLDER,
    TEXT,
    Message,
    converters,
    message_columns,
    msg,
    render,
    shown,
)

SOURCE = Path(settings.BASE_DIR) / "quanzi"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# a stored value for a converter, to render every message (others get 1: an id or a count)
SAMPLES: dict[str, str | int] = {"aftersale_reason": "quality"}


# --- the static scanner ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    problem: str


def _called(call: ast.Call, name: str) -> bool:
    f = call.func
    return (isinstance(f, ast.Name) and f.id == name) or (isinstance(f, ast.Attribute) and f.attr == name)


def _literals(expr: ast.expr) -> list[str] | None:
    """The ids an expression can take: a string literal, or both arms of `"a" if c else "b"`; None otherwise."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        body, orelse = _literals(expr.body), _literals(expr.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def scan(root: Path) -> tuple[list[Finding], set[str], int]:
    """Every `msg(...)` call under `root` (tests and migrations left out): the id must be a string literal (or a
    choice of two) in the catalogue and the keyword arguments exactly its declared parameters; a `Message(...)`
    built by hand outside core/messages.py is reported too (it skips the checks). Returns the findings, the ids
    used and the number of calls."""
    findings: list[Finding] = []
    used: set[str] = set()
    calls = 0
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if {"tests", "migrations"} & set(rel.parts):
            continue
        where = str(path.relative_to(root.parent))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            if _called(call, "Message") and rel.parts != ("core", "messages.py"):
                findings.append(Finding(where, call.lineno, "Message(...) built by hand: use msg()"))
                continue
            if not _called(call, "msg"):
                continue
            calls += 1
            ids = _literals(call.args[0]) if call.args else None
            if ids is None:
                findings.append(Finding(where, call.lineno, "message id not a string literal"))
                continue
            for message_id in ids:
                used.add(message_id)
                spec = CATALOGUE.get(message_id)
                if spec is None:
                    findings.append(Finding(where, call.lineno, f"unknown message {message_id!r}"))
                    continue
                if any(kw.arg is None for kw in call.keywords):
                    continue  # msg(id, **params): checked at run time only
                given = {kw.arg for kw in call.keywords if kw.arg is not None}
                findings += [Finding(where, call.lineno, f"{message_id}: param {p!r} is not declared")
                             for p in sorted(given - set(spec.params))]
                findings += [Finding(where, call.lineno, f"{message_id}: param {p!r} is missing")
                             for p in sorted(set(spec.params) - given)]
    return findings, used, calls


def test_every_message_id_in_the_source_is_in_the_catalogue() -> None:
    findings, _used, calls = scan(SOURCE)
    assert calls > 40, "the scanner found almost no msg() calls; is it still looking in the right place?"
    assert not findings, "\n".join(f"{f.path}:{f.line}: {f.problem}" for f in findings) + (
        "\n-> add the message to quanzi/core/messages.py (id, Chinese text with gettext_noop, params)")


def test_every_catalogue_entry_is_still_used_somewhere() -> None:
    _findings, used, _calls = scan(SOURCE)
    dead = sorted(set(CATALOGUE) - used)
    assert not dead, f"catalogue entries no code uses any more: {dead}"


def test_the_scanner_reports_an_unknown_id_and_wrong_params(tmp_path: Path) -> None:
    pkg = tmp_path / "quanzi"
    (pkg / "tests").mkdir(parents=True)
    (pkg / "bad.py").write_text(
        "from quanzi.core.messages import Message, msg\n"
        "\n"
        "def ok(nick, body):\n"
        "    return msg('notify.reply', n=nick, b=body)\n"
        "\n"
        "def bad(nick, which, params):\n"
        "    msg('made.up')\n"
        "    msg('notify.reply', n=nick)\n"
        "    msg('notify.follow', name=nick, colour='red')\n"
        "    msg(which)\n"
        "    msg('notify.reply', **params)\n"
        "    msg('order.paid' if nick else 'also.made.up')\n"
        "    return Message('order.expired', {})\n",
        encoding="utf-8")
    (pkg / "tests" / "test_x.py").write_text("msg('ignored.in.tests')\n", encoding="utf-8")
    findings, used, calls = scan(pkg)
    assert {(f.line, f.problem) for f in findings} == {
        (7, "unknown message 'made.up'"),
        (8, "notify.reply: param 'b' is missing"),
        (9, "notify.follow: param 'colour' is not declared"),
        (10, "message id not a string literal"),
        (12, "unknown message 'also.made.up'"),
        (13, "Message(...) built by hand: use msg()"),
    }
    assert all(f.path == "quanzi/bad.py" for f in findings) and calls == 7
    assert used == {"notify.reply", "made.up", "notify.follow", "order.paid", "also.made.up"}


# --- no stored text is translated when it is written ---------------------------------------------------------------

STORED_TEXT_KEYWORDS = {"text", "reason", "note", "cancel_reason", "status_reason", "fold_reason"}
GETTEXT = {"_", "gettext", "pgettext", "ngettext", "npgettext"}


def _translated_now(expr: ast.expr) -> bool:
    """`_("...")`, `_("...") % {...}`, `str(_("..."))`, `_("...") + ...`: a text in the writer's language."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        if expr.func.id in GETTEXT:
            return True
        if expr.func.id == "str" and expr.args:
            return _translated_now(expr.args[0])
    if isinstance(expr, ast.BinOp):
        return _translated_now(expr.left) or _translated_now(expr.right)
    if isinstance(expr, ast.BoolOp):
        return any(_translated_now(v) for v in expr.values)
    if isinstance(expr, ast.IfExp):
        return _translated_now(expr.body) or _translated_now(expr.orelse)
    return False


def test_no_stored_text_is_translated_in_the_writers_language() -> None:
    # `note=_("商家同意")` stores the text in whatever language the merchant browses in; `note=msg(...)` stores
    # the message, which the buyer then reads in theirs.
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(SOURCE).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if isinstance(call, ast.Call):
                bad += [f"{path.relative_to(SOURCE.parent)}:{call.lineno} {kw.arg}=" for kw in call.keywords
                        if kw.arg in STORED_TEXT_KEYWORDS and _translated_now(kw.value)]
    assert not bad, f"translated when written, stored for someone else: {bad} -> pass msg(...) instead"


# --- the catalogue itself ----------------------------------------------------------------------------------------


def test_every_entry_is_well_formed() -> None:
    for message_id, spec in CATALOGUE.items():
        assert spec.id == message_id and re.fullmatch(r"[a-z_]+\.[a-z_]+", message_id), message_id
        assert CJK.search(spec.text), f"{message_id}: the source text is Chinese"
        assert spec.app and apps.is_installed(f"quanzi.{spec.app}"), message_id
        # only %(name)s placeholders, exactly the declared parameters
        assert set(PLACEHOLDER.findall(spec.text)) == set(spec.params), message_id
        assert spec.text.count("%") == len(PLACEHOLDER.findall(spec.text)), f"{message_id}: a stray %"
        for kind in spec.params.values():
            assert kind == TEXT or kind in converters(), f"{message_id}: no converter {kind!r} is registered"


def _sample(spec_params: dict[str, str]) -> dict[str, str | int]:
    return {name: "X" if kind == TEXT else SAMPLES.get(kind, 1) for name, kind in spec_params.items()}


@pytest.mark.django_db  # a converter may read the database (a live count)
def test_every_message_reads_in_english_and_in_chinese() -> None:
    for message_id, spec in CATALOGUE.items():
        params = _sample(dict(spec.params))
        with translation.override("en"):
            english = render(message_id, params)
        with translation.override("zh-hans"):
            chinese = render(message_id, params)
        assert english and not CJK.search(english), f"{message_id}: no English ({english!r})"
        assert CJK.search(chinese), message_id


# --- writing and reading -----------------------------------------------------------------------------------------


def test_a_message_is_stored_in_the_sites_language_and_shown_in_the_readers() -> None:
    from quanzi.orders.models import OrderStatusChange

    with translation.override("en"):  # the writer browses in English
        columns = message_columns(msg("order.refunded", ref="R-1"), model=OrderStatusChange, text="reason")
    assert columns == {"reason": "退款 R-1", "message_id": "order.refunded", "params": {"ref": "R-1"}}
    row = OrderStatusChange(**columns)
    with translation.override("zh-hans"):
        assert row.display_text == "退款 R-1"
    with translation.override("en"):
        assert row.display_text == "Refund R-1"


def test_free_text_is_stored_and_shown_as_typed() -> None:
    from quanzi.orders.models import OrderStatusChange

    columns = message_columns("顺丰 SF123" + "x" * 300, model=OrderStatusChange, text="reason")
    assert columns["message_id"] == "" and columns["params"] == {} and len(columns["reason"]) == 200
    with translation.override("en"):
        assert shown("顺丰 SF123", "", {}) == "顺丰 SF123"


def test_a_converted_param_is_stored_as_its_value_and_shown_as_the_readers_label() -> None:
    m = msg("aftersale.requested", reason="quality")
    assert m.params == {"reason": "quality"}
    with translation.override("zh-hans"):
        assert str(m) == "申请售后：质量问题"
    with translation.override("en"):
        assert str(m) == render("aftersale.requested", {"reason": "quality"})
        assert "Quality issue" in str(m) and not CJK.search(str(m))
    assert render("aftersale.requested", {"reason": "gone_value"}).endswith("gone_value")  # as stored


def test_a_broken_message_raises_in_tests() -> None:
    with pytest.raises(ValueError, match="unknown message 'no.such'"):
        msg("no.such")
    with pytest.raises(ValueError, match="param 'b' is missing"):
        msg("notify.reply", n="小红")
    with pytest.raises(ValueError, match="param 'colour' is not declared"):
        msg("notify.follow", name="小红", colour="red")
    with pytest.raises(ValueError, match="must be str or int, got bool"):
        msg("notify.follow", name=True)
    with pytest.raises(ValueError, match="unknown message 'no.such'"):
        shown("旧的文字", "no.such", {})
    with pytest.raises(ValueError, match="param 'b' is missing"):
        render("notify.reply", {"n": "小红"})


def test_debug_is_strict_even_outside_tests(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.TESTING = False
    with pytest.raises(ValueError):
        msg("no.such")


def test_in_production_a_broken_message_is_logged_and_shown_as_stored(settings,  # type: ignore[no-untyped-def]
                                                                      caplog) -> None:
    settings.DEBUG = False
    settings.TESTING = False
    with caplog.at_level(logging.ERROR, logger="quanzi.messages"):
        assert shown("旧的文字", "no.such", {}) == "旧的文字"  # an id the catalogue lost
        assert shown("存下的文字", "notify.reply", {"n": "小红"}) == "存下的文字"  # a param missing
        m = msg("no.such.either", x=1)  # still made; the stored text is the id
        assert isinstance(m, Message) and render(m.id, m.params) == "no.such.either"
        assert render("notify.reply", {"n": "小红"}).startswith("小红")  # no stored text: what can be rendered
    assert "unknown message 'no.such'" in caplog.text and "param 'b' is missing" in caplog.text


def test_a_param_a_message_no_longer_declares_is_ignored_when_reading() -> None:
    with translation.override("zh-hans"):
        assert shown("x", "notify.follow", {"name": "小红", "old": "gone"}) == "小红 关注了你"
