"""Time `make demo` from its start to the first 200 from the home page, on a fresh var dir.

    .venv/bin/python bench/demo_start.py                      # port 8150, a new temp var dir, removed afterwards
    .venv/bin/python bench/demo_start.py --port 8150 --var /tmp/h5-var-1 --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/w5 .venv/bin/python bench/demo_start.py --fresh-pg

It runs the Makefile's real `demo` target (`make -o .venv/.installed demo`: the virtualenv is taken as
installed, the brief's "warm package caches") with `QUANZI_VAR_DIR` and `DEMO_ADDR` pointing at the temp folder
and the port, echoes its output with the elapsed seconds in front, polls `http://127.0.0.1:<port>/` until it
answers 200, then stops the server it started (its own process group). The last line is

    demo-start: seconds=X build_s=Y migrate_s=Z build_cpu_s=C

seconds: `make demo` start → first 200; migrate_s: start → load_demo's first line (fresh schema, the English
catalogue beside it, and Python/Django start-up); build_s: load_demo's first line → its "demo data loaded"
line; build_cpu_s: the CPU seconds (user+sys) of the load_demo process as it reports them (less sensitive to a
busy machine than the wall times).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fresh_pg(url: str) -> None:
    """Drop and re-create the database named in a postgres:// URL (the demo expects an empty one)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--var", help="QUANZI_VAR_DIR to use (must not exist yet); default: a new temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the var dir afterwards")
    parser.add_argument("--repo", default=str(ROOT), help="the checkout whose Makefile runs (default: this one)")
    parser.add_argument("--fresh-pg", action="store_true", help="drop and re-create DATABASE_URL's database first")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    if args.port == 8000:
        parser.error("port 8000 is the developer's own demo; pick another")

    if args.var:
        var = Path(args.var)
        if var.exists():
            parser.error(f"{var} exists: the measure is from a fresh var dir")
        var.mkdir(parents=True)
    else:
        var = Path(tempfile.mkdtemp(prefix="quanzi-demo-start-"))
    env = dict(os.environ, QUANZI_VAR_DIR=str(var), PYTHONUNBUFFERED="1")
    if env.get("DATABASE_URL") and args.fresh_pg:
        _fresh_pg(env["DATABASE_URL"])

    # stopped itself (SIGTERM; SIGINT may be ignored in a background job): still stop the server it started
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    marks: dict[str, float] = {}
    cpu: list[float] = []
    start = time.monotonic()
    proc = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "demo", f"DEMO_ADDR=127.0.0.1:{args.port}"],
        cwd=args.repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: stopped as a whole at the end, and only it
    )

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            t = time.monotonic() - start
            if "loading demo data" in line:
                marks.setdefault("build_start", t)
            if "demo data loaded" in line:
                marks.setdefault("build_end", t)
                m = re.search(r"CPU ([0-9.]+)s", line)
                if m:
                    cpu.append(float(m.group(1)))
            sys.stdout.write(f"{t:7.1f} | {line}")
            sys.stdout.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{args.port}/"
    served = None
    try:
        while time.monotonic() - start < args.timeout:
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if response.status == 200:
                        served = time.monotonic() - start
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        reader.join(timeout=5)
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
    if served is None:
        print(f"demo-start: FAILED (make exited {proc.returncode}, no 200 from {url})")
        return 1
    build_s = marks.get("build_end", served) - marks.get("build_start", 0.0)
    print(f"demo-start: seconds={served:.1f} build_s={build_s:.1f} migrate_s={marks.get('build_start', 0.0):.1f} "
          f"build_cpu_s={cpu[0] if cpu else float('nan'):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
