"""`quanzi <command> ...`: the operator's command line (installed as a console script by pyproject.toml).

Every command is a Django management command of the app that owns it (`quanzi insight report ...` runs the
`insight` command of quanzi.insight, `quanzi recommend train` the `recommend` command of quanzi.recommend), so
`quanzi X` and `python manage.py X` are the same thing and `quanzi help` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["quanzi", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
