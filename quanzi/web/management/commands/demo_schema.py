"""Refresh the demo's schema snapshot (`make demo-schema`): migrate an empty SQLite database, dump it.

Run it on a fresh var dir (`make demo-schema` makes a temporary one) after adding or changing a migration, and
commit `quanzi/web/demo/schema_sqlite.sql` with it. A stale snapshot is never used (`quanzi/web/demo/schema.py`
compares fingerprints); `make demo` then only takes longer.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from quanzi.web.demo import schema


class Command(BaseCommand):
    help = "Migrate an empty SQLite database and write quanzi/web/demo/schema_sqlite.sql from it."

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections["default"]
        if connection.vendor != "sqlite":
            raise CommandError("the snapshot is of SQLite (unset DATABASE_URL)")
        if connection.introspection.table_names():
            raise CommandError("the database is not empty: run this on a fresh QUANZI_VAR_DIR (make demo-schema)")
        call_command("migrate", interactive=False, verbosity=0)
        lines = schema.snapshot_write(connection)
        self.stdout.write(f"wrote {schema.SNAPSHOT} ({lines} lines)")
