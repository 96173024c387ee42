"""`make demo` in one process: a fresh schema, the demo data through the services, then the server.

One process instead of three (`migrate`, `load_demo`, `serve`): starting Django and importing the whole project
costs a few seconds each time, and the demo paid it three times before it served. The English catalogue
compiles in a child process on the other CPU meanwhile, and is waited for before the server starts (a process
that has read no catalogue yet would otherwise cache its absence). The SQLite file is written without syncing
to disk while it is built (`build.sqlite_build_mode`: a crash mid-build means `make demo` again anyway); the server
reopens its connections with the usual settings.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from quanzi.web.demo import schema
from quanzi.web.demo.speed import sqlite_build_mode


class Command(BaseCommand):
    help = "Build the demo on a fresh database (schema, then data through the services) and serve it."
    requires_system_checks: list[str] = []  # the server runs them before it answers; no need to pay twice

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--members", type=int, default=300)
        parser.add_argument("--posts", type=int, default=620)
        parser.add_argument("--no-serve", action="store_true", help="build, then exit (timing, CI)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        catalogue = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "compilemessages", "-l", "en", "-v", "0"],
            cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL,
        )
        with sqlite_build_mode():
            connection = connections["default"]
            if schema.snapshot_usable(connection):
                self.stdout.write("schema: loading the migrations' snapshot (quanzi/web/demo/schema_sqlite.sql) ...")
                schema.snapshot_load(connection)
            else:
                if connection.vendor == "sqlite":
                    self.stdout.write("schema: the migrations changed since the snapshot was made "
                                      "(`make demo-schema` refreshes it); applying them ...")
                else:
                    self.stdout.write("schema: applying the migrations ...")
                call_command("migrate", interactive=False, skip_checks=True, verbosity=1)
            self.stdout.write(f"schema: ready  [{time.monotonic() - started:.1f}s]")
            call_command("load_demo", skip_checks=True, members=options["members"], posts=options["posts"],
                         stdout=self.stdout._out, stderr=self.stderr._out)
        connections.close_all()  # the server's connections open with the normal pragmas
        if catalogue.wait() != 0:
            self.stderr.write("compilemessages failed: the English pages stay in Chinese until it works")
        self.stdout.write(f"demo: built in {time.monotonic() - started:.0f}s, starting the server ...")
        if not options["no_serve"]:
            call_command("serve", options["addrport"])
