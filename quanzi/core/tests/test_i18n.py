"""The English catalog is complete: every gettext / {% translate %} string in quanzi/ has an English msgstr.

When one of these tests fails after you added or changed a user-facing string, run
    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=test-artifacts \
        --ignore='*/static/*' --no-obsolete
then add the English text to scripts/en_translations.json and run `.venv/bin/python scripts/po_fill.py`
(it must print "0 missing"); commit django.po and django.mo.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from pytest_django.fixtures import Settings

LOCALE_DIR = Path(settings.BASE_DIR) / "quanzi" / "locale"
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
SOURCE = Path(settings.BASE_DIR) / "quanzi"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
HINT = " -> run makemessages, add them to scripts/en_translations.json, run scripts/po_fill.py"


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _untranslated(entry: polib.POEntry) -> bool:
    if entry.fuzzy:
        return True
    if entry.msgid_plural:
        return not (entry.msgstr_plural.get(0) and entry.msgstr_plural.get(1))
    return not entry.msgstr


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _catalog() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def test_every_catalog_entry_has_an_english_translation() -> None:
    po = _catalog()
    assert len(po) > 100, "the English catalog is unexpectedly small"
    missing = [e.msgid for e in po if not e.obsolete and _untranslated(e)]
    assert not missing, f"{len(missing)} untranslated msgids: {missing[:20]}{HINT}"


def test_translations_keep_every_placeholder() -> None:
    wrong = []
    for e in _catalog():
        if e.obsolete:
            continue
        if e.msgid_plural:
            pairs = [(e.msgid, e.msgstr_plural.get(0, "")), (e.msgid_plural, e.msgstr_plural.get(1, ""))]
        else:
            pairs = [(e.msgid, e.msgstr)]
        wrong += [(src, dst) for src, dst in pairs if dst and _placeholders(src) != _placeholders(dst)]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong[:20]}"


def test_compiled_mo_matches_the_po_file() -> None:
    mo = {_key(e): e for e in polib.mofile(str(MO_PATH))}
    stale = []
    for e in _catalog():
        if e.obsolete or _untranslated(e):
            continue
        compiled = mo.get(_key(e))
        if compiled is None:
            stale.append(e.msgid)
        elif e.msgid_plural:
            if dict(compiled.msgstr_plural) != dict(e.msgstr_plural):
                stale.append(e.msgid)
        elif compiled.msgstr != e.msgstr:
            stale.append(e.msgid)
    assert not stale, f"django.mo is out of date for {stale[:20]} -> run scripts/po_fill.py"


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msguniq")),
                    reason="needs GNU gettext (xgettext, msguniq) to extract strings from the source")
def test_every_string_in_the_source_is_in_the_catalog(tmp_path: Path, settings: Settings,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # Extract from a copy of quanzi/ into a scratch locale dir, so the committed catalog is never touched.
    src = tmp_path / "src"
    shutil.copytree(SOURCE, src / "quanzi", ignore=shutil.ignore_patterns(
        "locale", "static", "__pycache__", "*.pyc", "*.mo", "*.po"))
    (src / "locale").mkdir()
    settings.LOCALE_PATHS = [str(src / "locale")]
    monkeypatch.chdir(src)
    call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    extracted = polib.pofile(str(src / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 100, "extraction found almost nothing; is the copy of quanzi/ complete?"

    committed = {_key(e): e for e in _catalog() if not e.obsolete and not _untranslated(e)}
    missing = []
    for e in extracted:
        have = committed.get(_key(e))
        if have is None or bool(have.msgid_plural) != bool(e.msgid_plural):
            where = e.occurrences[0][0] if e.occurrences else "?"
            missing.append(f"{e.msgid} ({where})")
    assert not missing, f"{len(missing)} strings have no English translation: {missing[:20]}{HINT}"


# Names xgettext extracts in Python (its defaults plus the keywords Django's makemessages adds).
EXTRACTED_NAMES = {"_", "gettext", "ngettext", "gettext_noop", "gettext_lazy", "ngettext_lazy", "pgettext",
                   "npgettext", "pgettext_lazy", "npgettext_lazy"}


def test_translation_functions_are_imported_under_names_makemessages_extracts() -> None:
    # `from django.utils.translation import gettext_lazy as _lazy` hides every _lazy("...") from makemessages,
    # so those strings would silently stay Chinese in English.
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    name = alias.asname or alias.name
                    if "gettext" in alias.name and name not in EXTRACTED_NAMES:
                        bad.append(f"{path.relative_to(SOURCE.parent)}:{node.lineno} {alias.name} as {name}")
    assert not bad, f"makemessages cannot see strings passed to these names: {bad}"


def _calls_outside_functions(node: ast.AST, names: set[str]) -> list[int]:
    lines = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            lines += [d.lineno for d in child.args.defaults + child.args.kw_defaults if d is not None
                      and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in names
                              for c in ast.walk(d))]
            continue
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in names:
            lines.append(child.lineno)
        lines += _calls_outside_functions(child, names)
    return lines


def test_no_eager_gettext_at_import_time() -> None:
    # gettext("...") in a module or class body runs once at import, in Chinese, and never switches to English:
    # module-level strings must use gettext_lazy.
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        eager = {a.asname or a.name for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
                 for a in node.names if a.name in {"gettext", "ngettext", "pgettext", "npgettext"}}
        if eager:
            bad += [f"{path.relative_to(SOURCE.parent)}:{n}" for n in _calls_outside_functions(tree, eager)]
    assert not bad, f"eager gettext evaluated at import time (use gettext_lazy): {bad}"


def test_english_is_used_for_messages_and_plurals() -> None:
    with translation.override("en"):
        assert gettext("请先登录") == "Please log in first"
        assert ngettext("%(n)s 位成员", "%(n)s 位成员", 1) % {"n": 1} == "1 member"
        assert ngettext("%(n)s 位成员", "%(n)s 位成员", 3) % {"n": 3} == "3 members"
        assert pgettext("post kind", "投票") == "Poll" and gettext("投票") == "Vote"
    with translation.override("zh-hans"):
        assert gettext("请先登录") == "请先登录"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/signup/", "/discover/"])
def test_public_pages_have_no_chinese_left_in_english(client: Client, path: str) -> None:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    # The logo keeps the Chinese brand name on purpose; everything else must be English.
    text = re.sub(r'<a class="brand"[^>]*>.*?</a>', "", html, flags=re.S)
    leftovers = sorted({m.group(0) for m in re.finditer(r"[^<>\n]*[\u3400-\u9fff][^<>\n]*", text)})
    assert not leftovers, f"Chinese text on {path} in English: {leftovers[:10]}"
    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert CJK.search(re.sub(r'<a class="brand"[^>]*>.*?</a>', "", chinese, flags=re.S))
