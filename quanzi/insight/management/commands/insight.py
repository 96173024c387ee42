"""`quanzi insight <sub-command>` (= `manage.py insight ...`):

- `export`: export what is new to the Parquet lake now (the hourly job does the same).
- `report --from --to [--community] [--kol] [--metric ...] [--format text|json|csv] [--out FILE]`: the metrics.
- `import FILE [--format taobao|csv] [--name] [--columns ...] [--events ...]`: a behaviour log into the lake.
- `status`: rows and files per lake table, last export.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Insight: export, report, import, status."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--dir", default=None, help="lake directory (default: settings.QUANZI_INSIGHT['DIR'])")
        sub = parser.add_subparsers(dest="sub", required=True, metavar="{export,report,import,status}")
        ex = sub.add_parser("export", help="export new rows to the Parquet lake")
        ex.add_argument("--table", action="append", help="only this table (repeatable)")
        rep = sub.add_parser("report", help="print or write the metrics")
        rep.add_argument("--from", dest="date_from", type=_day, required=True)
        rep.add_argument("--to", dest="date_to", type=_day, required=True)
        rep.add_argument("--community", type=int, default=None)
        rep.add_argument("--kol", type=int, default=None)
        rep.add_argument("--metric", action="append", help="only this metric (repeatable)")
        rep.add_argument("--format", choices=("text", "json", "csv"), default="text")
        rep.add_argument("--out", default=None, help="write to this file instead of printing")
        imp = sub.add_parser("import", help="load a behaviour log (Taobao UserBehavior or CSV) into the lake")
        imp.add_argument("file")
        imp.add_argument("--format", choices=("taobao", "csv"), default="taobao")
        imp.add_argument("--name", default="", help="import name (default: from the file name); re-import replaces")
        imp.add_argument("--columns", default="", help="csv: user_id=COL,event=COL,timestamp=COL[,product_id=COL,"
                                                       "category_id=COL,community_id=COL,amount_fen=COL,order_id=COL]")
        imp.add_argument("--events", default="", help="csv: VALUE=event.name,... (map purchases to buy)")
        imp.add_argument("--user-offset", type=int, default=0, help="add this to every imported user id")
        sub.add_parser("status", help="rows and files per lake table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dir"]:
            settings.QUANZI_INSIGHT = {**settings.QUANZI_INSIGHT, "DIR": Path(options["dir"])}
        getattr(self, f"handle_{options['sub']}")(**options)

    def handle_export(self, **options: Any) -> None:
        from quanzi.insight import export

        try:
            done = export.run_export(tables=options["table"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("exported: " + ", ".join(f"{k}={v}" for k, v in done.items()))

    def handle_report(self, **options: Any) -> None:
        from quanzi.insight import report

        if options["date_from"] > options["date_to"]:
            raise CommandError("--from is after --to")
        try:
            results = report.build(date_from=options["date_from"], date_to=options["date_to"],
                                   community_id=options["community"], kol_id=options["kol"], keys=options["metric"])
        except KeyError as exc:
            raise CommandError(f"unknown metric: {exc}") from exc
        text = report.render(results, options["format"], date_from=options["date_from"],
                             date_to=options["date_to"], community_id=options["community"])
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {len(results)} metrics to {options['out']}")
        else:
            self.stdout.write(text, ending="")

    def handle_import(self, **options: Any) -> None:
        from quanzi.insight import importer

        try:
            rep = importer.import_log(
                options["file"], fmt=options["format"], name=options["name"],
                columns=importer.parse_mapping(options["columns"]) or None,
                events=importer.parse_mapping(options["events"]) or None, user_offset=options["user_offset"])
        except importer.ImportError_ as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(rep.as_text())

    def handle_status(self, **options: Any) -> None:
        from quanzi.insight import selectors

        st = selectors.export_status()
        self.stdout.write(f"last export: {st.last_run_at or '-'}")
        for name, n in st.rows.items():
            self.stdout.write(f"  {name}: {n} rows in {st.files[name]} files")
