"""`make demo`'s speed-ups keep the database what it would have been: the schema snapshot (a dump of a freshly
migrated SQLite file, loaded instead of replaying the migrations) is used only when it is exactly the current
migrations' database, and loading it gives back the same tables, indexes, triggers and rows; the build-time SQLite
pragmas are undone for the server; no real-time push leaves during the build."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from quanzi.web.demo import schema, speed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the snapshot is of SQLite"),
]


def _empty_sqlite(path: Path) -> DatabaseWrapper:
    """A Django connection like the default one, on an empty file of its own."""
    return DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias="snapshot-test")


def _objects(db: sqlite3.Connection) -> set[tuple[str, str, str, str]]:
    return set(db.execute("SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master "
                          "WHERE name NOT LIKE 'sqlite_%'"))


def _rows(db: sqlite3.Connection, tables: list[str], skip: set[str]) -> dict[str, list[Any]]:
    return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables if t not in skip}


def test_the_snapshot_gives_back_the_migrated_database(tmp_path: Path) -> None:
    # the test database was made by the migrations: dump it, load the dump into an empty file, compare
    dump = tmp_path / "snapshot.sql"
    lines = schema.snapshot_write(connection, path=dump)
    assert lines > 1000
    assert dump.read_text(encoding="utf-8").startswith(f"-- {schema.MARK} {schema.fingerprint()}\n")

    target = _empty_sqlite(tmp_path / "loaded.sqlite3")
    try:
        assert schema.snapshot_usable(target, path=dump)
        schema.snapshot_load(target, path=dump)
        assert not schema.snapshot_usable(target, path=dump)  # only ever into an empty database
    finally:
        target.close()

    source = connection.connection
    # read both the way Django's connections do (declared types converted), so the values compare alike
    loaded = sqlite3.connect(tmp_path / "loaded.sqlite3", detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        objects = _objects(source)
        assert objects == _objects(loaded)
        tables = sorted(name for kind, name, *_ in objects if kind == "table")
        assert len(tables) > 100
        original, copied = _rows(source, tables, {"django_migrations"}), _rows(loaded, tables, {"django_migrations"})
        assert original == copied
        assert original["django_content_type"]  # rows, not only the schema
        migrated = {r[:2] for r in source.execute("SELECT app, name FROM django_migrations")}
        assert migrated == {r[:2] for r in loaded.execute("SELECT app, name FROM django_migrations")}
    finally:
        loaded.close()


def test_a_snapshot_of_other_migrations_is_not_used(tmp_path: Path) -> None:
    dump = tmp_path / "snapshot.sql"
    schema.snapshot_write(connection, path=dump)
    text = dump.read_text(encoding="utf-8")
    stale = tmp_path / "stale.sql"
    stale.write_text(text.replace(schema.fingerprint(), "0" * 64, 1), encoding="utf-8")
    target = _empty_sqlite(tmp_path / "empty.sqlite3")
    try:
        assert schema.snapshot_usable(target, path=dump)
        assert not schema.snapshot_usable(target, path=stale)
        assert not schema.snapshot_usable(target, path=tmp_path / "missing.sql")
    finally:
        target.close()


def test_the_fingerprint_follows_the_migration_files(monkeypatch: pytest.MonkeyPatch) -> None:
    before = schema.fingerprint()
    assert before == schema.fingerprint()
    real = Path.read_bytes

    def edited(self: Path) -> bytes:
        data = real(self)
        return data + b"\n# changed" if self.name == "0001_initial.py" and "accounts" in self.parts else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert schema.fingerprint() != before


def test_connections_of_the_build_skip_syncing_and_the_servers_do_not(tmp_path: Path) -> None:
    def sync(conn: DatabaseWrapper) -> int:
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            return int(cursor.fetchone()[0])

    before, during, after = (_empty_sqlite(tmp_path / f"{n}.sqlite3") for n in ("before", "during", "after"))
    try:
        assert sync(before) == 1  # NORMAL, the settings' init_command
        with speed.sqlite_build_mode():
            assert sync(during) == 0  # OFF for a connection opened while building
        assert sync(after) == 1  # and no longer once the build is over
        speed._apply(during, speed.SERVE_PRAGMAS)  # what the block's end does to the registered connections
        assert sync(during) == 1
    finally:
        for conn in (before, during, after):
            conn.close()


def test_no_real_time_push_during_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    from channels.layers import get_channel_layer

    from quanzi.core.realtime import group_send

    assert get_channel_layer() is not None
    with speed.no_live_pushes():
        assert get_channel_layer() is None
        group_send("nobody", {"type": "notify.notice"})  # returns at once, no event loop
    assert get_channel_layer() is not None
