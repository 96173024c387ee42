"""Serving latency of 为你推荐 on the demo data, against a trivial endpoint measured in the same run.

1. The demo data: `manage.py migrate` + `manage.py load_demo` (what `make demo` runs, DEBUG=1 and the sandbox
   cashier) into their own SQLite file under a temporary QUANZI_VAR_DIR, or, with `--demo-var DIR`, the database
   already built there (built there first when DIR has none, and kept for the next run). The bench works on a
   copy, so a reused database is never changed.
2. The model, trained with the real command: `manage.py recommend train`.
3. Requests through Django's test client (the whole middleware stack, a logged-in session, DEBUG=0), every demo
   member in turn, interleaved so machine load hits all alike:
   - `/recommend/for-you/`: the HTML fragment the home feed loads (the headline figure),
   - `/api/v1/recommend/for-you`: the same list as JSON,
   - `/api/v1/health`: the baseline (one `SELECT 1`, the same middleware stack).

Bounded in time: `--requests` rounds or `--seconds` of measuring, whichever comes first (the demo build takes
~1.5 min more when it is not reused). Prints p50/p90/p99 per URL, SQL queries per request, and the ratios to the
baseline. Target: p99 under 20 ms for the fragment and the API. Last line:
`recommend-serve: p50_ms=A p99_ms=B baseline_p50_ms=C ratio_p50=D api_p50_ms=… api_p99_ms=… baseline_p99_ms=…
ratio_p99=… api_ratio_p99=… queries=… cpu_p50_ms=… cpu_p99_ms=…` (the fragment's figures unless prefixed `api_`;
`cpu_*`: the request's CPU time, which machine load barely moves, beside the wall-clock p50/p99).

    .venv/bin/python bench/recommend_serve.py [--demo-var /tmp/quanzi-demo] [--requests 600] [--seconds 120]
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, header, setup_django  # noqa: E402

DB_NAME = "quanzi.sqlite3"
URLS = {"fragment": "/recommend/for-you/", "api": "/api/v1/recommend/for-you", "baseline": "/api/v1/health"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def build_demo(var: Path) -> None:
    """`make demo`'s two data steps, into `var` (its own SQLite file, never a shared server)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "QUANZI_MEDIA_ROOT")}
    env.update(QUANZI_VAR_DIR=str(var), DEBUG="1", QUANZI_PAYMENTS_SANDBOX="1", PYTHONUNBUFFERED="1")
    env.pop("QUANZI_TESTING", None)
    for step in (["migrate", "--noinput", "-v", "0"], ["load_demo", "--skip-checks"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *step], cwd=ROOT, env=env, check=True, timeout=900)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API: the WAL's pages included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def demo_database(demo_var: str | None, scratch: Path) -> Path:
    if demo_var:
        var = Path(demo_var).resolve()
        if (var / DB_NAME).exists():
            print(f"reusing the demo database in {var}")
            return var / DB_NAME
        var.mkdir(parents=True, exist_ok=True)
    else:
        var = scratch / "demo"
        var.mkdir()
    header(f"recommend-serve: make demo's data (migrate + load_demo) into {var}")
    started = time.perf_counter()
    build_demo(var)
    print(f"demo built in {time.perf_counter() - started:.0f} s")
    return var / DB_NAME


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--demo-var", default=None,
                        help="a QUANZI_VAR_DIR holding a built demo database (built there when missing, kept)")
    parser.add_argument("--requests", type=int, default=600, help="rounds (one request per URL each)")
    parser.add_argument("--seconds", type=float, default=120.0, help="stop measuring after this long")
    args = parser.parse_args()

    var = setup_django(migrate=False)  # a fresh temp QUANZI_VAR_DIR; Django has not opened the database yet
    source = demo_database(args.demo_var, var)
    copy_database(source, var / DB_NAME)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0, interactive=False)  # a reused database built by older code catches up
    header("recommend-serve: manage.py recommend train")
    out = io.StringIO()
    started = time.perf_counter()
    call_command("recommend", "train", "--no-progress", stdout=out)
    print(f"{out.getvalue().strip()}  (command: {time.perf_counter() - started:.1f} s)")

    users = list(get_user_model().objects.filter(is_active=True, is_staff=False).order_by("pk"))
    clients = []
    for u in users:
        c = Client()
        c.force_login(u)
        clients.append(c)
    print(f"{len(clients)} members, each with a logged-in session")

    # what is served (and its SQL), outside the timing
    kinds: dict[str, int] = {}
    reasons: dict[str, int] = {}
    tiles = pictures = 0
    queries: dict[str, list[int]] = {name: [] for name in URLS}
    for i, c in enumerate(clients):
        for name, url in URLS.items():
            with CaptureQueriesContext(connection) as captured:
                r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)
            queries[name].append(len(captured))
            if name == "api":
                body = r.json()
                assert body["items"], f"an empty for-you list for member {users[i].pk}"
                kinds[f"{body['kind']}/{body['source']}"] = kinds.get(f"{body['kind']}/{body['source']}", 0) + 1
                for item in body["items"]:
                    reasons[item["reason_label"]] = reasons.get(item["reason_label"], 0) + 1
                personalised = body["kind"] == "personalised"
            if name == "fragment":
                html = r.content.decode()
                assert "rec-reason" in html, "the fragment shows no reason"
                tiles += html.count('data-kind="product" data-id=')
                pictures += html.count('<img src="/media/')
        assert ("为你推荐" in html) == personalised, "the fragment's title does not match the list kind"
    print(f"lists served: {kinds}")
    print(f"product tiles: {tiles}, with a picture: {pictures}")
    print("reasons shown: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])))
    mean_queries = {name: sum(q) / len(q) for name, q in queries.items()}
    print("SQL queries per request (mean / max): " + ", ".join(
        f"{name} {mean_queries[name]:.1f} / {max(queries[name])}" for name in URLS))

    times: dict[str, list[float]] = {name: [] for name in URLS}
    cpu: dict[str, list[float]] = {name: [] for name in URLS}  # this thread's CPU time: what load does not inflate
    names = list(URLS)
    started = time.perf_counter()
    rounds = 0
    while rounds < args.requests and time.perf_counter() - started < args.seconds:
        c = clients[rounds % len(clients)]
        for k in range(len(names)):  # rotate the order, so no URL always follows the same one
            name = names[(rounds + k) % len(names)]
            t0, c0 = time.perf_counter(), time.thread_time()
            r = c.get(URLS[name])
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.thread_time() - c0)
            assert r.status_code == 200, (name, r.status_code)
        rounds += 1
    took = time.perf_counter() - started

    header(f"recommend-serve: {rounds} rounds in {took:.0f} s, members in turn (load average "
           f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    stats = {name: {q: percentile(times[name], q) for q in (0.5, 0.9, 0.99)} for name in URLS}
    base = stats["baseline"]
    for name in URLS:
        s = stats[name]
        print(f"{name:9s} {URLS[name]:27s} p50 {s[0.5]:6.2f} ms  p90 {s[0.9]:6.2f} ms  p99 {s[0.99]:6.2f} ms  "
              f"x baseline: p50 {s[0.5] / base[0.5]:5.2f}  p99 {s[0.99] / base[0.99]:5.2f}")
    cpu_stats = {name: {q: percentile(cpu[name], q) for q in (0.5, 0.99)} for name in URLS}
    print("CPU time per request (p50 / p99): " + ", ".join(
        f"{name} {cpu_stats[name][0.5]:.2f} / {cpu_stats[name][0.99]:.2f} ms" for name in URLS))
    frag, api = stats["fragment"], stats["api"]
    for name, s in (("fragment", frag), ("api", api)):
        print(f"target {name} p99 < 20 ms: {'met' if s[0.99] < 20 else 'MISSED'} ({s[0.99]:.2f} ms)")
    print(f"recommend-serve: p50_ms={frag[0.5]:.2f} p99_ms={frag[0.99]:.2f} baseline_p50_ms={base[0.5]:.2f} "
          f"ratio_p50={frag[0.5] / base[0.5]:.2f} api_p50_ms={api[0.5]:.2f} api_p99_ms={api[0.99]:.2f} "
          f"baseline_p99_ms={base[0.99]:.2f} ratio_p99={frag[0.99] / base[0.99]:.2f} "
          f"api_ratio_p99={api[0.99] / base[0.99]:.2f} queries={mean_queries['fragment']:.1f} "
          f"cpu_p50_ms={cpu_stats['fragment'][0.5]:.2f} cpu_p99_ms={cpu_stats['fragment'][0.99]:.2f}")


if __name__ == "__main__":
    main()
