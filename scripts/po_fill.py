"""Fill English translations from scripts/en_translations.json into the .po file, then compile it.

Usage:
    python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=test-artifacts \
        --ignore='*/static/*' --no-obsolete
    python scripts/po_fill.py [--prune]   (--prune drops JSON keys that are no longer in the catalog)

scripts/en_translations.json maps each Chinese msgid to its English msgstr. For entries that have a
msgid_plural (ngettext / {% blocktranslate count %}), the value is a list [singular, plural]. Entries with a
context (pgettext / {% translate "..." context "..." %}) are keyed "<context>\u0004<msgid>", as gettext does.
The script writes quanzi/locale/en/LC_MESSAGES/django.po and compiles django.mo next to it (the .mo is
committed, so machines without GNU gettext still get English). It prints "<n> translated, <m> missing"
and exits with status 1 when something is missing or a placeholder does not match.
"""

import json
import pathlib
import re
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
PO = ROOT / "quanzi/locale/en/LC_MESSAGES/django.po"
TABLE = ROOT / "scripts/en_translations.json"

# %(name)s / %(n)d style placeholders (what gettext and {% blocktranslate %} produce).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def key(entry: Any) -> str:
    """The JSON key of a catalog entry: the msgid, prefixed by "<context>\\x04" when it has a context."""
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def main() -> int:
    import polib

    table = json.loads(TABLE.read_text(encoding="utf-8")) if TABLE.exists() else {}
    po = polib.pofile(str(PO))
    po.metadata["Project-Id-Version"] = "quanzi"
    po.metadata["Language-Team"] = "English"
    po.metadata["Last-Translator"] = "scripts/po_fill.py"
    po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata["Language"] = "en"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata_is_fuzzy = False
    missing: list[str] = []
    problems: list[str] = []
    for entry in po:
        value = table.get(key(entry))
        if entry.msgid_plural:
            if isinstance(value, list) and len(value) == 2 and all(value):
                entry.msgstr_plural = {0: value[0], 1: value[1]}
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            elif value is not None:
                problems.append(f"plural entry needs a [singular, plural] list: {entry.msgid!r}")
            if not all(entry.msgstr_plural.get(i) for i in (0, 1)):
                missing.append(key(entry))
                continue
            for text in entry.msgstr_plural.values():
                if placeholders(text) != placeholders(entry.msgid_plural):
                    problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
        else:
            if isinstance(value, str) and value:
                entry.msgstr = value
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            elif value is not None:
                problems.append(f"singular entry needs a non-empty string: {entry.msgid!r}")
            if not entry.msgstr:
                missing.append(key(entry))
                continue
            if placeholders(entry.msgstr) != placeholders(entry.msgid):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}")
    po.save(str(PO))
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    print(f"{len(po) - len(missing)} translated, {len(missing)} missing")
    unused = sorted(set(table) - {key(e) for e in po})
    if unused and "--prune" in sys.argv[1:]:
        for k in unused:
            del table[k]
        TABLE.write_text(json.dumps(table, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"pruned {len(unused)} unused entries from {TABLE.name}")
    elif unused:
        print(f"{len(unused)} entries in {TABLE.name} are no longer used (run with --prune to drop them)")
    for m in missing[:50]:
        print("  missing:", m)
    for p in problems:
        print("  problem:", p)
    return 1 if missing or problems else 0


if __name__ == "__main__":
    sys.exit(main())
