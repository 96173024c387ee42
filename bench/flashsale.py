"""Flash sale over real HTTP: a production-like server (gunicorn, several worker processes, DEBUG=0, a random
SECRET_KEY, PostgreSQL + Redis) sells N units to 2,000 buyers hitting `POST /api/v1/growth/flashsale/items/<id>/buy`
at once; in the same run the same server answers a trivial endpoint (`GET /api/v1/health`, one `SELECT 1`) with
the same client, which is the baseline. Then the embedded setup (SQLite, no Redis, one `manage.py serve` process)
does the same.

    .venv/bin/python bench/flashsale.py            # about a minute; --help for the knobs

Everything is thrown away: a PostgreSQL database it creates and drops, a Redis db number it flushes (13 unless
--redis-db), temporary folders. Buyers are made beforehand, each with an address and an API token (users get an
unusable password: production argon2 for 2,000 sign-ups would only time the hasher). The client is threaded
(http.client, one keep-alive connection per thread, 50 threads), on the same cores as the server: its cost is in both
figures alike. The server is configured as a deployment would be, and the trivial endpoint gets the same server:
- gunicorn with one worker process per CPU (`--workers`, default os.cpu_count()): more processes than cores only
  add context switches and database connections on a CPU-bound Python server; 16 threads each (gthread) so a
  thread waiting on the database (a winner queued on the sale's hot row) does not idle its process;
- persistent database connections (CONN_MAX_AGE 60 s; `--conn-max-age 0` measures quanzi's default, a connection
  per request);
- HTTP keep-alive (30 s) on loopback, as a load balancer keeps its upstream connections open;
- DEBUG=0 and the project's logging (LOG_LEVEL=ERROR for the root logger).
All requests come from 127.0.0.1, so the per-address rate limit is raised for the run (QUANZI_FLASHSALE
["IP_ATTEMPTS"], printed); the per-member limit stays, and both limits are still checked on every attempt. DEBUG=0 refuses the sandbox gateway, so nothing is paid: the bench measures the rush to reserve.

It ends with two lines:

    flashsale: sold=N oversold=N attempts_per_s=X trivial_per_s=Y ratio=R p50_ms=A p99_ms=B
    flashsale-embedded: sold=N oversold=N attempts_per_s=X trivial_per_s=Y ratio=R p50_ms=A p99_ms=B

`sold` and `oversold` are read from the database afterwards (orders holding the item, against its allotment; the
SKU's stock is checked too), not from the HTTP answers; `ratio` = attempts_per_s / trivial_per_s, where
trivial_per_s is the mean of a run before and a run after the flash sale; p50/p99 are the flash attempts'
latencies. Without PostgreSQL, Redis or gunicorn it prints why and skips (exit 0); `--require` makes that a
failure. Exits 1 when anything was oversold or a request failed with a 5xx (requests that got no answer at all
after 3 tries are counted as HTTP 0 and printed).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("QUANZI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("QUANZI_BENCH_REDIS", "redis://127.0.0.1:6379")
IP_ATTEMPTS = 1_000_000

SETTINGS_MODULE = f'''
# written by bench/flashsale.py: the project's settings, with the per-address limit raised because every bench
# request comes from 127.0.0.1 (the per-member limit is the project's own)
import os

from quanzi.settings import *  # noqa: F401,F403

QUANZI_FLASHSALE = {{"IP_ATTEMPTS": {IP_ATTEMPTS}}}
# persistent database connections, as a production deployment keeps them (quanzi's settings open one per request:
# conn_max_age=0); --conn-max-age 0 measures that default
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("QUANZI_BENCH_CONN_MAX_AGE", "60"))  # noqa: F405
'''


# --- the seeding and checking side (a child process with Django set up for one database) ----------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(units: int, buyers: int, out: str) -> None:
    """Migrate, then a merchant with one SKU, a live session of `units` (limit 1 per member), and `buyers`
    members each with an address and an API token, written to `out` as JSON."""
    _django()
    import datetime as dt

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from quanzi.accounts.models import User
    from quanzi.accounts.services import token_create
    from quanzi.catalog import services as catalog
    from quanzi.catalog.models import Category
    from quanzi.growth.flashsale import services as flashsale
    from quanzi.orders.models import Address

    call_command("migrate", verbosity=0, interactive=False)
    operator = User.objects.create(phone="13000000000", nickname="运营", is_staff=True)
    owner = User.objects.create(phone="13000000001", nickname="商家")
    merchant = catalog.merchant_apply(user=owner, business_name="秒杀小店", licence_no="91330100MA2BENCH",
                                      contact_name="王老板", contact_phone="13800000000")
    catalog.merchant_approve(operator=operator, merchant_id=merchant.pk)
    category = Category.objects.create(name="护肤")
    product = catalog.product_create(user=owner, category_id=category.pk, title="秒杀面霜")
    sku = catalog.sku_create(user=owner, product_id=product.pk, spec={"规格": "50ml"}, price_fen=9900,
                             member_price_fen=None, stock=units + 50, weight_g=200)
    catalog.product_set_shelf(user=owner, product_id=product.pk, on_shelf=True)
    now = timezone.now()
    session = flashsale.session_create(user=owner, title="bench 场", starts_at=now - dt.timedelta(minutes=1),
                                       ends_at=now + dt.timedelta(hours=1))
    item = flashsale.item_add(user=owner, session_id=session.pk, sku_id=sku.pk, flash_price_fen=990,
                              allotment=units, per_member_limit=1)
    flashsale.session_schedule(user=owner, session_id=session.pk)  # loads Redis after commit when configured
    users = User.objects.bulk_create([User(phone=f"139{i:08d}", nickname=f"买家{i}", password="!")
                                      for i in range(buyers)])
    with transaction.atomic():
        Address.objects.bulk_create([Address(user=u, name="买家", phone="13912345678", province="浙江省",
                                             city="杭州市", district="西湖区", detail="文三路 100 号",
                                             is_default=True) for u in users])
        addresses = dict(Address.objects.filter(user__in=users).values_list("user_id", "pk"))
        people = [{"token": token_create(user=u, name="bench"), "address_id": addresses[u.pk]} for u in users]
    Path(out).write_text(json.dumps({"item_id": item.pk, "sku_id": sku.pk, "units": units, "buyers": people}))


def verify(item_id: int, out: str) -> None:
    """What the database holds after the rush: orders on the item, its counters, the SKU's stock."""
    _django()
    from quanzi.catalog.models import Sku
    from quanzi.growth.flashsale.models import FlashItem, FlashReservation
    from quanzi.orders.models import OrderLine

    item = FlashItem.objects.get(pk=item_id)
    per_member = list(FlashReservation.objects.filter(item=item).values_list("user_id", flat=True))
    Path(out).write_text(json.dumps({
        "allotment": item.allotment, "reserved": item.reserved, "reservations": len(per_member),
        "members_over_limit": len(per_member) - len(set(per_member)),
        "order_units": sum(OrderLine.objects.filter(sku_id=item.sku_id).values_list("quantity", flat=True)),
        "stock": Sku.objects.get(pk=item.sku_id).stock}))


# --- the driving side (no Django here) ---------------------------------------------------------------------------------


@dataclass
class Run:
    count: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    reconnects: int = 0  # connections the server dropped (the request was sent again on a new one)

    @property
    def per_s(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def pct_ms(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000 if ordered else 0.0


def drive(port: int, requests: list[tuple[str, str, dict[str, str], bytes | None]], threads: int,
          deadline: float) -> Run:
    """Send the requests from `threads` threads, one keep-alive connection each, as fast as answers come."""
    run = Run()
    lock = threading.Lock()
    next_index = iter(range(len(requests)))
    start = threading.Barrier(threads + 1)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, statuses, codes = [], {}, {}
        reconnects = [0]
        start.wait()
        while time.monotonic() < deadline:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            method, path, headers, body = requests[i]
            t0 = time.perf_counter()
            status, data = 0, b""
            for attempt in range(3):  # a connection the server closed or refused (runserver's listen backlog is 5)
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    status, data = response.status, response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    reconnects[0] += 1
                    time.sleep(0.05 * (attempt + 1))
            latencies.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1  # 0: no answer at all
            if status >= 400 or method == "POST":
                try:
                    code = json.loads(data).get("code", "created" if status == 201 else "?")
                except ValueError:
                    code = "?"
                codes[code] = codes.get(code, 0) + 1
        conn.close()
        with lock:
            run.reconnects += reconnects[0]
            run.latencies.extend(latencies)
            for k, v in statuses.items():
                run.statuses[k] = run.statuses.get(k, 0) + v
            for k, v in codes.items():
                run.codes[k] = run.codes.get(k, 0) + v

    pool = [threading.Thread(target=worker, daemon=True) for _i in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in pool:
        t.join(max(1.0, deadline - time.monotonic() + 5))
    run.seconds = time.perf_counter() - t0
    run.count = len(run.latencies)
    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, proc: subprocess.Popen[bytes], limit: float = 60.0) -> None:
    until = time.monotonic() + limit
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /api/v1/health in time")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def child(env: dict[str, str], *args: str, timeout: float = 300) -> None:
    subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], env=env, cwd=ROOT, check=True,
                   timeout=timeout)


@dataclass
class Figures:
    sold: int
    oversold: int
    flash: Run
    trivial_before: Run
    trivial_after: Run
    checks: dict[str, Any]

    @property
    def trivial_per_s(self) -> float:
        return (self.trivial_before.per_s + self.trivial_after.per_s) / 2

    @property
    def ratio(self) -> float:
        return self.flash.per_s / self.trivial_per_s if self.trivial_per_s else 0.0

    def line(self, name: str) -> str:
        return (f"{name}: sold={self.sold} oversold={self.oversold} attempts_per_s={self.flash.per_s:.0f} "
                f"trivial_per_s={self.trivial_per_s:.0f} ratio={self.ratio:.2f} p50_ms={self.flash.pct_ms(0.5):.1f} "
                f"p99_ms={self.flash.pct_ms(0.99):.1f}")


class CpuMeter:
    """CPU seconds spent during a run, by part: the server's processes, the database backends serving the bench's
    database (other databases on the same server are not counted), Redis, and this client. Divided by the requests
    of the run, it says where a request's cost goes (what limits the rate on a machine whose cores are all busy)."""

    def __init__(self, server: subprocess.Popen[bytes], database_url: str | None) -> None:
        self.server, self.database_url = server, database_url

    def _pids(self) -> dict[str, list[int]]:
        import psutil

        parts: dict[str, list[int]] = {"server": [], "database": [], "redis": [], "client": [os.getpid()]}
        try:
            root = psutil.Process(self.server.pid)
            parts["server"] = [root.pid, *(c.pid for c in root.children(recursive=True))]
        except psutil.Error:
            pass
        if self.database_url:
            import psycopg

            name = self.database_url.rsplit("/", 1)[1]
            with psycopg.connect(f"{PG_URL}/postgres") as conn:
                parts["database"] = [int(r[0]) for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()]
        parts["redis"] = [p.pid for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("redis")]
        return parts

    def sample(self) -> dict[str, dict[int, float]]:
        import psutil

        out: dict[str, dict[int, float]] = {}
        for part, pids in self._pids().items():
            out[part] = {}
            for pid in pids:
                try:
                    t = psutil.Process(pid).cpu_times()
                    out[part][pid] = t.user + t.system
                except psutil.Error:
                    pass
        return out

    @staticmethod
    def per_request(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]], count: int) -> str:
        parts = []
        for part, now in after.items():
            spent = sum(v - before.get(part, {}).get(pid, 0.0) for pid, v in now.items())
            parts.append(f"{part} {spent / max(1, count) * 1000:.2f}")
        return "CPU ms per request: " + ", ".join(parts)


def queue_left(database_url: str) -> tuple[int, int, float]:
    """(tickets still queued or placing, tickets placed, seconds from the first ticket to the last order placed)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE status IN ('queued', 'placing')), count(*) FILTER (WHERE status = 'placed'),"
            " EXTRACT(EPOCH FROM max(done_at) - min(created_at)) FROM growth_flashsale_flashticket").fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), float(row[2] or 0.0)


def rush(label: str, env: dict[str, str], server: list[str], args: argparse.Namespace, work: Path,
         consumer: list[str] | None = None) -> Figures:
    """Seed, start the server (and the job consumer that places queued winners' orders), drive trivial → flash →
    trivial, wait for the order queue to drain, stop them, read what the database holds."""
    seeded = work / f"{label}-seed.json"
    t0 = time.monotonic()
    child(env, "--seed", "--units", str(args.units), "--buyers", str(args.buyers), "--out", str(seeded))
    data = json.loads(seeded.read_text())
    print(f"[{label}] seeded {args.units} units and {args.buyers} buyers with tokens in {time.monotonic() - t0:.0f} s")
    port = free_port()
    log = open(work / f"{label}-server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*server, f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    # The consumer runs at a lower CPU priority (nice): a deployment runs its workers on their own machines
    # (docs/deploy.md), so during a rush they do not take the web servers' cores; on this one box, niceness is the
    # nearest thing. The winners' orders are still placed as the rush goes on, on whatever CPU the server leaves.
    jobs = subprocess.Popen(consumer, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: os.nice(args.job_nice)) if consumer else None
    drained = ""
    cpu_lines: list[str] = []
    try:
        wait_ready(port, proc)
        deadline = time.monotonic() + args.timeout
        health = [("GET", "/api/v1/health", {}, None)] * args.buyers
        path = f"/api/v1/growth/flashsale/items/{data['item_id']}/buy"
        buys = [("POST", path, {"Authorization": f"Bearer {b['token']}", "Content-Type": "application/json"},
                 json.dumps({"address_id": b["address_id"], "idempotency_key": uuid.uuid4().hex}).encode())
                for b in data["buyers"]]
        # warm every worker: the health path, and the buy path on an item that does not exist (no unit is used)
        drive(port, health[:200], args.threads, deadline)
        drive(port, [("POST", "/api/v1/growth/flashsale/items/999999999/buy", h, body)
                     for _m, _p, h, body in buys[:100]], args.threads, deadline)
        meter = CpuMeter(proc, env.get("DATABASE_URL"))
        c0 = meter.sample()
        before = drive(port, health, args.threads, deadline)
        c1 = meter.sample()
        flash = drive(port, buys, args.threads, deadline)
        c2 = meter.sample()
        cpu_lines = [f"trivial: {meter.per_request(c0, c1, before.count)}",
                     f"flash (the job consumer's process is not counted, its database work placing the winners' orders is): "
                     f"{meter.per_request(c1, c2, flash.count)}"]
        if jobs is not None:  # the winners' orders are placed by the consumer: wait until the last one is
            waited = time.monotonic()
            while queue_left(env["DATABASE_URL"])[0] and time.monotonic() < deadline:
                time.sleep(0.2)
            left, placed, span = queue_left(env["DATABASE_URL"])
            drained = (f"{placed} queued winners' orders placed by the job consumer, the last {span:.2f} s after the "
                       f"first ticket ({time.monotonic() - waited:.2f} s of waiting after the rush); {left} left")
        after = drive(port, health, args.threads, deadline)
        # context for the figures: the same server on an authenticated trivial read, and on buys after the sale
        # is over (every one refused by the gate: the cost of a refusal alone)
        me = drive(port, [("GET", "/api/v1/accounts/me", {"Authorization": h["Authorization"]}, None)
                          for _m, _p, h, _b in buys], args.threads, deadline)
        again = drive(port, [(m, p, h, json.dumps({**json.loads(b or b"{}"), "idempotency_key": uuid.uuid4().hex})
                              .encode()) for m, p, h, b in buys], args.threads, deadline)
    finally:
        stop(proc)
        if jobs is not None:
            stop(jobs)
        log.close()
    if any(status >= 500 for run in (before, flash, after, me, again) for status in run.statuses):
        text = (work / f"{label}-server.log").read_text(errors="replace")
        start = text.find("Traceback")
        print(f"[{label}] the server answered 5xx; its log (first traceback):\n{text[start:start + 3000]}")
    checked = work / f"{label}-verify.json"
    child(env, "--verify", "--item", str(data["item_id"]), "--out", str(checked))
    checks = json.loads(checked.read_text())
    oversold = max(0, checks["reservations"] - checks["allotment"], checks["order_units"] - checks["allotment"],
                   checks["reserved"] - checks["allotment"], -checks["stock"])
    figures = Figures(sold=checks["reservations"], oversold=oversold, flash=flash, trivial_before=before,
                      trivial_after=after, checks=checks)
    print(f"[{label}] trivial before {before.per_s:.0f}/s, flash {flash.per_s:.0f}/s ({flash.count} attempts in "
          f"{flash.seconds:.2f} s), trivial after {after.per_s:.0f}/s; trivial p50 "
          f"{before.pct_ms(0.5):.1f} ms p99 {before.pct_ms(0.99):.1f} ms")
    print(f"[{label}] answers {dict(sorted(flash.codes.items()))}; HTTP {dict(sorted(flash.statuses.items()))} "
          f"(0: no answer after 3 tries); reconnects {flash.reconnects}")
    print(f"[{label}] context: authenticated trivial GET /api/v1/accounts/me {me.per_s:.0f}/s (p50 "
          f"{me.pct_ms(0.5):.1f} ms); refused buys after the sale {again.per_s:.0f}/s (p50 {again.pct_ms(0.5):.1f} ms, "
          f"{dict(sorted(again.codes.items()))}); flash attempts / authenticated trivial = "
          f"{flash.per_s / me.per_s if me.per_s else 0:.2f}")
    for line in cpu_lines:
        print(f"[{label}] {line}")
    if drained:
        print(f"[{label}] queue: {drained}")
    print(f"[{label}] database: {checks}")
    return figures


def _pg_ok() -> str:
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", connect_timeout=3):
            return ""
    except Exception as exc:  # noqa: BLE001 - the reason is printed
        return f"no PostgreSQL at {PG_URL} ({type(exc).__name__})"


def _redis_ok(db: int) -> str:
    try:
        import redis

        redis.Redis.from_url(f"{REDIS_URL}/{db}", socket_connect_timeout=3).ping()
        return ""
    except Exception as exc:  # noqa: BLE001
        return f"no Redis at {REDIS_URL} ({type(exc).__name__})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=50, help="client threads (keep-alive connection each)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn worker processes (default: one per CPU)")
    parser.add_argument("--worker-threads", type=int, default=16, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--job-workers", type=int, default=4, help="threads of the job consumer (run_huey)")
    parser.add_argument("--job-nice", type=int, default=10,
                        help="CPU niceness of the job consumer (0: the same priority as the server)")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="seconds a server keeps its database connection (0: one per request, quanzi's default)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for each server's driving, at most")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (server logs) and print where")
    parser.add_argument("--require", action="store_true", help="fail instead of skipping without PG/Redis")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--item", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.units, args.buyers, args.out)
        return 0
    if args.verify:
        verify(args.item, args.out)
        return 0

    reasons = [r for r in (_pg_ok(), _redis_ok(args.redis_db),
                           "" if (BIN / "gunicorn").exists() else "gunicorn is not installed in the venv") if r]
    if reasons:
        print(f"flashsale: SKIPPED: {'; '.join(reasons)} (the production-like run needs PostgreSQL, Redis and "
              "gunicorn)")
        return 1 if args.require else 0

    import psycopg
    import redis

    work = Path(tempfile.mkdtemp(prefix="quanzi-bench-flash-"))
    (work / "bench_flashsale_settings.py").write_text(SETTINGS_MODULE)
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "QUANZI_TESTING",
                                                             "DEBUG", "QUANZI_PAYMENTS_SANDBOX")}
    base.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
                 "DJANGO_SETTINGS_MODULE": "bench_flashsale_settings",
                 "PYTHONPATH": os.pathsep.join([str(work), str(ROOT), base.get("PYTHONPATH", "")]),
                 "LOG_LEVEL": "ERROR", "QUANZI_BENCH_CONN_MAX_AGE": str(args.conn_max_age)})
    print(f"flash-sale bench: {args.units} units, {args.buyers} buyers, {args.threads} client threads, database "
          f"connections kept {args.conn_max_age} s; "
          f"per-address limit raised to {IP_ATTEMPTS} (all requests come from 127.0.0.1), "
          f"per-member limit as configured (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    failed = False
    db_name = f"quanzi_bench_flash_{os.getpid()}"
    redis_url = f"{REDIS_URL}/{args.redis_db}"
    flush = redis.Redis.from_url(redis_url)
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    try:
        flush.flushdb()
        env = {**base, "DATABASE_URL": f"{PG_URL}/{db_name}", "REDIS_URL": redis_url,
               "QUANZI_VAR_DIR": str(work / "var-pg")}
        server = [str(BIN / "gunicorn"), "quanzi.wsgi:application", "--workers", str(args.workers),
                  "--worker-class", "gthread", "--threads", str(args.worker_threads), "--backlog", "2048",
                  "--keep-alive", "30", "--log-level", "error", "--bind"]
        print(f"[production] gunicorn {args.workers} workers × {args.worker_threads} threads (gthread), DEBUG=0, "
              f"PostgreSQL {db_name}, Redis db {args.redis_db}")
        consumer = [sys.executable, str(ROOT / "manage.py"), "run_huey", "--workers", str(args.job_workers),
                    "--worker-type", "thread", "--quiet"]
        print(f"[production] job consumer: manage.py run_huey, {args.job_workers} threads, nice {args.job_nice} "
              "(places queued winners' "
              "orders)")
        production = rush("production", env, server, args, work, consumer)
    finally:
        flush.flushdb()
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    failed |= production.oversold > 0 or any(s >= 500 for s in production.flash.statuses)

    embedded: Figures | None = None
    if not args.skip_embedded:
        env = {**base, "QUANZI_VAR_DIR": str(work / "var-sqlite")}
        print("[embedded] manage.py serve (one process, threaded), DEBUG=0, SQLite, no Redis")
        embedded = rush("embedded", env, [sys.executable, str(ROOT / "manage.py"), "serve", "--no-jobs"], args, work)
        failed |= embedded.oversold > 0 or any(s >= 500 for s in embedded.flash.statuses)
    if args.keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(production.line("flashsale"))
    if embedded is not None:
        print(embedded.line("flashsale-embedded"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
