"""Live-room fan-out over WebSockets on loopback: N clients in one live room, bounded in time, with the in-memory
and the Redis channel layers (Redis db 15).

One command: `.venv/bin/python bench/realtime.py [--clients N] [--seconds S]`. It builds a throw-away SQLite
database (a community, a live session, N members with API tokens), then for each channel layer starts daphne on
a free loopback port (bench/realtime_app.py: quanzi.asgi plus an echo route, the room's rate limit lifted) and
runs two phases, each S seconds after a short warm-up:

- baseline: every client does echo round trips on `ws/bench/echo/` (one frame in, one out), closed loop;
- fan-out: every client is in the room `ws/live/<id>/`; `senders` of them post comments in a closed loop (the
  next when their previous one came back), each comment goes through the real path (the comment service: an
  insert, an event, a counter; then the channel layer's group send) and is delivered to all N clients.

Figures: deliveries a second (comment frames received, summed over the clients), the fan-out latency from a
comment's send to each client's receipt (p50 / p99), the echo round trips a second, and their ratio. The last lines:
`realtime: clients=N msgs_per_s=X p99_fanout_ms=Y`, one per layer, the Redis one last (skipped with the reason when
no Redis answers at 127.0.0.1:6379).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"


def build_world(clients: int) -> tuple[int, list[str]]:
    """A community with a live session and `clients` members with API tokens (the first is the host)."""
    import datetime as dt

    from django.utils import timezone

    from quanzi.accounts.services import token_create, user_signup
    from quanzi.communities import services as communities
    from quanzi.live import services as live

    users = [user_signup(phone=f"1370000{i:04d}", password="bench-pass-1", nickname=f"观众{i}")
             for i in range(clients)]
    host = users[0]
    community = communities.community_create(owner=host, name="直播压测圈", slug="bench-live", vertical="beauty")
    for user in users[1:]:
        communities.community_join(user=user, community=community)
    session = live.session_schedule(user=host, community_id=community.pk, title="压测直播",
                                    stream_url="https://live.example.com/bench.m3u8",
                                    scheduled_at=timezone.now() + dt.timedelta(minutes=1))
    live.session_start(user=host, session_id=session.pk)
    return session.pk, [token_create(user=u) for u in users]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(var: Path, port: int, channels_redis: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("QUANZI_TESTING", "REDIS_URL", "DATABASE_URL")}
    env.update({"QUANZI_VAR_DIR": str(var), "DEBUG": "1", "QUANZI_CHANNELS_REDIS_URL": channels_redis,
                "PYTHONPATH": str(ROOT)})
    return subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0",
                             "bench.realtime_app:application"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("daphne exited: " + (proc.stderr.read().decode() if proc.stderr else ""))
        try:
            _r, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError("daphne did not start")


async def echo_phase(port: int, clients: int, seconds: float) -> float:
    import websockets

    conns = [await websockets.connect(f"ws://127.0.0.1:{port}/ws/bench/echo/", max_queue=None)
             for _ in range(clients)]
    counting = {"on": False, "n": 0}

    async def loop(ws: object) -> None:
        frame = json.dumps({"type": "echo", "body": "x" * 40})
        while True:
            await ws.send(frame)  # type: ignore[attr-defined]
            await ws.recv()  # type: ignore[attr-defined]
            if counting["on"]:
                counting["n"] += 1

    tasks = [asyncio.create_task(loop(ws)) for ws in conns]
    await asyncio.sleep(1.0)  # warm-up
    counting["on"] = True
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    counting["on"] = False
    elapsed = time.perf_counter() - started
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    return counting["n"] / elapsed


async def fanout_phase(port: int, session_id: int, tokens: list[str], senders: int,
                       seconds: float) -> tuple[float, list[float]]:
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/live/{session_id}/"
    conns = []
    for token in tokens:
        ws = await websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}, max_queue=None)
        first = json.loads(await ws.recv())
        if first.get("type") != "state":
            raise RuntimeError(f"refused: {first}")
        conns.append(ws)
    sent_at: dict[str, float] = {}
    state = {"on": False, "stop": False, "delivered": 0}
    latencies: list[float] = []
    backs: dict[int, asyncio.Event] = {i: asyncio.Event() for i in range(senders)}

    async def receive(i: int, ws: object) -> None:
        async for raw in ws:  # type: ignore[attr-defined]
            now = time.perf_counter()
            frame = json.loads(raw)
            if frame.get("type") != "comment":
                if frame.get("type") == "error":
                    raise RuntimeError(f"error frame: {frame}")
                continue
            body = frame["body"]
            if state["on"] and body in sent_at:
                state["delivered"] += 1
                latencies.append((now - sent_at[body]) * 1000)
            sender = int(body.split("-")[1])
            if sender == i and i in backs:
                backs[i].set()

    async def send(i: int, ws: object) -> None:
        n = 0
        while not state["stop"]:
            n += 1
            body = f"c-{i}-{n}"
            backs[i].clear()
            sent_at[body] = time.perf_counter()
            await ws.send(json.dumps({"type": "comment", "body": body}))  # type: ignore[attr-defined]
            try:
                await asyncio.wait_for(backs[i].wait(), timeout=10)
            except TimeoutError:
                continue

    receivers = [asyncio.create_task(receive(i, ws)) for i, ws in enumerate(conns)]
    sending = [asyncio.create_task(send(i, conns[i])) for i in range(senders)]
    await asyncio.sleep(1.5)  # warm-up
    state["on"] = True
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    state["on"] = False
    elapsed = time.perf_counter() - started
    state["stop"] = True
    await asyncio.gather(*sending, return_exceptions=True)
    for t in receivers:
        t.cancel()
    await asyncio.gather(*receivers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    return state["delivered"] / elapsed, latencies


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001  (any failure: no Redis to run against)
        return False


def run_layer(name: str, var: Path, session_id: int, tokens: list[str], senders: int, seconds: float,
              channels_redis: str) -> str:
    port = free_port()
    proc = start_server(var, port, channels_redis)
    try:
        asyncio.run(wait_ready(port, proc))
        echo_per_s = asyncio.run(echo_phase(port, len(tokens), seconds))
        delivered_per_s, latencies = asyncio.run(fanout_phase(port, session_id, tokens, senders, seconds))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    print(f"[{name}] baseline echo: {echo_per_s:,.0f} round trips/s ({len(tokens)} clients)")
    print(f"[{name}] fan-out: {delivered_per_s:,.0f} comment deliveries/s to {len(tokens)} clients from {senders} "
          f"senders ({delivered_per_s / len(tokens):,.1f} comments/s); latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(latencies, default=float('nan')):.1f} ms over {len(latencies):,} deliveries")
    print(f"[{name}] ratio fan-out deliveries / echo round trips: {delivered_per_s / echo_per_s:.2f} "
          f"(median latency {statistics.median(latencies) if latencies else float('nan'):.1f} ms)")
    return f"realtime: clients={len(tokens)} msgs_per_s={delivered_per_s:.0f} p99_fanout_ms={p99:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    try:
        import websockets  # noqa: F401
    except ImportError:
        print("SKIPPED: the `websockets` client library is not installed (pip install -e '.[dev]')")
        return 0
    var = setup_django()
    session_id, tokens = build_world(args.clients)
    from django.db import connections

    connections.close_all()  # daphne writes to the same SQLite file from now on
    print(f"live room bench: {args.clients} WebSocket clients on loopback, {args.senders} senders, "
          f"{args.seconds:.0f} s per phase (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    lines = [run_layer("in-memory", var, session_id, tokens, args.senders, args.seconds, "")]
    if redis_answers():
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # db 15 is the bench's own
        lines.append(run_layer("redis db 15", var, session_id, tokens, args.senders, args.seconds, REDIS_URL))
    else:
        print(f"SKIPPED: the Redis channel layer (no Redis answers at {REDIS_URL})")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
