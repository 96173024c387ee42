"""Real processes the fault tests start, break and restart: gunicorn serving quanzi, a PostgreSQL cluster of their
own (initdb in a temporary folder, on a free port: never the shared server), a redis-server of their own.

Each helper is bounded in time (every wait has a deadline) and cleans up what it started, by its process id.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[4]
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob("/usr/lib/postgresql/*/bin") else ""
REDIS_SERVER = shutil.which("redis-server") or ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, *, seconds: float, process: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"process exited with {process.returncode} before listening on {port}") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {port} after {seconds} s") from None
            time.sleep(0.1)


def wait_for(predicate: Any, *, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds} s")
        time.sleep(0.05)


def stop(process: subprocess.Popen[Any], *, seconds: float = 20) -> None:
    """SIGTERM, then SIGKILL: only the process we started (and its own children for gunicorn's master)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=seconds)


# --- HTTP --------------------------------------------------------------------------------------------------------


def call(base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
         timeout: float = 30) -> tuple[int, Any]:
    """(status, decoded JSON or text); a connection cut by a dead worker or server raises OSError."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


# --- quanzi's processes ------------------------------------------------------------------------------------------


def django_database_url() -> str:
    """The URL of the database the running test uses (pytest-django's test database)."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def quanzi_env(*, database_url: str, var_dir: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a quanzi process started by a test: the test's own settings, never the caller's Redis."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QUANZI_", "DJANGO_", "DEBUG", "DATABASE_URL", "REDIS_URL", "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "quanzi.settings", "DATABASE_URL": database_url, "DEBUG": "1",
                "QUANZI_VAR_DIR": var_dir, "QUANZI_PAYMENTS_SANDBOX": "1", **(extra or {})})
    return env


def run_script(code: str, env: dict[str, str], *, seconds: float = 120) -> str:
    """Run Python with django set up in a child process; its stdout (raises with its stderr on failure)."""
    done = subprocess.run([sys.executable, "-c", "import django\ndjango.setup()\n" + code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=seconds)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    return done.stdout


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1, threads: int = 4, config: str | None = None,
             log: Path | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """gunicorn serving quanzi.wsgi on a free port (as `make prod` runs it: gthread workers); yields its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "quanzi.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--timeout", "120", "--graceful-timeout", "5", *(["-c", config] if config else [])]
    out = open(log or os.devnull, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, seconds=90, process=process)
        yield f"http://127.0.0.1:{port}", process
    except BaseException:
        if log is not None and log.exists():  # what the server said, in the failing test's output
            print(log.read_text(errors="replace")[-6000:])
        raise
    finally:
        stop(process)
        out.close()


# --- a PostgreSQL cluster of the test's own ----------------------------------------------------------------------


@dataclass
class PgCluster:
    data: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/quanzi"

    def _ctl(self, *args: str, seconds: float = 60) -> None:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres system user when we are root
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w",
                        "-t", str(int(seconds)), *args], check=True, capture_output=True, timeout=seconds + 10)

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def psql(self, sql: str, *, database: str = "quanzi") -> str:
        done = subprocess.run([f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              capture_output=True, text=True, timeout=60, check=True)
        return done.stdout.strip()


@contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    """initdb + start on a free port in a temporary folder; stopped (immediate) and removed at the end."""
    base = Path(tempfile.mkdtemp(prefix="quanzi-faults-pg-"))
    data = base / "data"
    data.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(data, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, f"{PG_BIN}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True, timeout=120)
    cluster = PgCluster(data=data, port=free_port(), log=base / "server.log")
    if os.geteuid() == 0:
        cluster.log.touch()
        shutil.chown(cluster.log, "postgres")
    cluster.start()
    try:
        cluster.psql("CREATE DATABASE quanzi", database="postgres")
        yield cluster
    finally:
        with suppress(Exception):
            cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


def copy_schema(source_url: str, cluster: PgCluster) -> None:
    """The migrated schema of the test database (and its django_migrations rows) into the cluster: faster than
    running every migration again."""
    dump = subprocess.run([f"{PG_BIN}/pg_dump", "--schema-only", "--no-owner", "--no-privileges", source_url],
                          capture_output=True, text=True, timeout=120, check=True).stdout
    rows = subprocess.run([f"{PG_BIN}/pg_dump", "--data-only", "--no-owner", "-t", "django_migrations",
                           "-t", "django_content_type", "-t", "auth_permission", source_url],
                          capture_output=True, text=True, timeout=120, check=True).stdout
    for sql in (dump, rows):
        subprocess.run([f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-d",
                        "quanzi", "-q", "-v", "ON_ERROR_STOP=1"], input=sql, capture_output=True, text=True,
                       timeout=120, check=True)


# --- a redis-server of the test's own ----------------------------------------------------------------------------


@contextmanager
def redis_server() -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """redis-server on a free port, no persistence; yields (port, process) so a test can kill it."""
    port = free_port()
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, seconds=20, process=process)
        yield port, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
