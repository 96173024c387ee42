"""Fill English translations from scripts/en_translations.json into the .po file, then compile it.

Usage: python scripts/po_fill.py   (after `manage.py makemessages -l en --ignore=.venv --ignore=var`)
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PO = ROOT / "quanzi/locale/en/LC_MESSAGES/django.po"
TABLE = ROOT / "scripts/en_translations.json"


def main() -> None:
    import polib

    table = json.loads(TABLE.read_text(encoding="utf-8")) if TABLE.exists() else {}
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr:
            missing.append(entry.msgid)
    po.save(str(PO))
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    print(f"{len(po) - len(missing)} translated, {len(missing)} missing")
    for m in missing[:50]:
        print("  missing:", m)


if __name__ == "__main__":
    main()
