"""`make bench`, notifications (issue 17): three figures in one run, written to
`bench/results/notify.md`.

1. The write path with the outbox against the same write without it: a fair registration through
   the jobs app (route, idempotency-free POST, unit of work, commit on real PostgreSQL),
   in-process and one at a time, alternating rounds with the notice written and with the notice
   call replaced by nothing. Target ≤ 1.10× (median per request).
2. 200 events/s for BENCH_NOTIFY_SECONDS (20) committed into childcare's outbox, one childcare
   process (one dispatcher) pushing them to a push gateway on loopback: commit-to-webhook p50,
   p99 (target ≤ 2 s), and the time the backlog takes to drain after the last commit.
3. The inbox read (`GET /childcare/v1/me/notifications`, 20 of 60 notices and the unread count)
   against `/healthz` on the same process, closed loop at 16: the ratio of their throughputs
   (target ≥ 0.3).

Knobs: BENCH_DATABASE_URL (a superuser URL; default an embedded PostgreSQL),
BENCH_NOTIFY_SECONDS (20), BENCH_NOTIFY_RATE (200), BENCH_NOTIFY_WRITES (300 per round).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx
from aiohttp import web
from asgi_lifespan import LifespanManager

from bench.environment import (
    Keys,
    bench_database,
    free_port,
    production_env,
    start_uvicorn,
    stop,
    wait_until,
)
from bench.load import http_get, run_closed_loop
from common.clock import Clock
from common.migrations import ROOT
from common.notifications.outbox import Notice
from common.provisioning import asyncpg_dsn
from services.childcare.notifications.kinds import OFFER_MADE, OUTBOX
from services.jobs.notifications import notices as jobs_notices

SECONDS = float(os.environ.get("BENCH_NOTIFY_SECONDS", "20"))
RATE = int(os.environ.get("BENCH_NOTIFY_RATE", "200"))
WRITES = int(os.environ.get("BENCH_NOTIFY_WRITES", "300"))
ROUNDS = 5
RESULTS = ROOT / "bench" / "results" / "notify.md"
PARAMS = {"child_name": "压测娃", "institution_name": "压测托育园", "deadline": "2026-12-06 18:00"}
SECRET = "whsec_" + "YmVuY2gtcHVzaC1nYXRld2F5LXNlY3JldC0zMmJ5dGVz"


def say(message: str) -> None:
    print(f"bench.notify: {message}", file=sys.stderr, flush=True)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# --- 1. the write path -----------------------------------------------------------------------


async def write_path(url: str, keys: Keys) -> dict[str, float]:
    from services.jobs.config import Settings
    from services.jobs.main import create_app

    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        fair_id = await conn.fetchval(
            "INSERT INTO jobs.fair (name, starts_at, ends_at, venue, address, district, capacity,"
            " registered, employers) VALUES ('压测招聘会', now() + interval '30 days',"
            " now() + interval '30 days 6 hours', '会展中心', '展览路1号', '赛罕区', 1000000, 0,"
            " '[]') RETURNING id"
        )
    finally:
        await conn.close()
    env = {k.lower(): v for k, v in production_env(keys).items()}
    settings = Settings(database_url=url, notify_dispatch=False, **{**env, "log_level": "WARNING"})
    app = create_app(settings)
    tokens = [keys.token(f"bench-writer-{n}") for n in range(2 * ROUNDS * WRITES + 50)]
    timings: dict[bool, list[float]] = {True: [], False: []}
    emits: list[float] = []  # the outbox statement alone, inside the "with" requests
    real = jobs_notices.fair_registered

    async def timed(*args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        await real(*args, **kwargs)
        emits.append(time.perf_counter() - started)

    async def nothing(*_: Any, **__: Any) -> None:
        return None

    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            path = f"/jobs/v1/fairs/{fair_id}/registrations"
            for _ in range(50):  # warm-up: pools, prepared statements, caches
                await client.post(path, headers={"Authorization": f"Bearer {tokens.pop()}"})
            # request by request in turn, so the machine's changing load falls on both alike
            for n in range(2 * ROUNDS * WRITES):
                with_outbox = n % 2 == 0
                jobs_notices.fair_registered = timed if with_outbox else nothing  # type: ignore[assignment]
                headers = {"Authorization": f"Bearer {tokens.pop()}"}
                started = time.perf_counter()
                r = await client.post(path, headers=headers)
                timings[with_outbox].append(time.perf_counter() - started)
                assert r.status_code == 201, r.text
            jobs_notices.fair_registered = real  # type: ignore[assignment]
    with_ms = statistics.median(timings[True]) * 1000
    without_ms = statistics.median(timings[False]) * 1000
    return {
        "with_ms": with_ms,
        "without_ms": without_ms,
        "ratio": with_ms / without_ms,
        "with_p99_ms": quantile(timings[True], 0.99) * 1000,
        "without_p99_ms": quantile(timings[False], 0.99) * 1000,
        "requests": float(len(timings[True]) + len(timings[False])),
        "emit_ms": statistics.median(emits) * 1000,
    }


# --- 2. commit to webhook --------------------------------------------------------------------


class PushGateway:
    """A receiver on loopback: when each recipient's event arrived (the first time)."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.deliveries = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.deliveries += 1
        sub = json.loads(body)["data"]["recipient_sub"]
        self.arrived.setdefault(sub, time.time())
        return web.Response(status=204)


async def throughput(url: str, keys: Keys) -> dict[str, float]:
    gateway = PushGateway()
    server = web.Application()
    server.router.add_post("/events", gateway.handle)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    env = {
        **production_env(keys),
        "DATABASE_URL": url,
        "NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{port}/events",
        "NOTIFY_WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "WARNING",
    }
    process = start_uvicorn("notify-childcare", "services.childcare.main:create_app", env)
    committed: dict[str, float] = {}
    try:
        await asyncio.to_thread(wait_until, process, "/readyz")
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            tick, per_tick = 0.1, max(1, round(RATE * 0.1))
            started = time.perf_counter()
            n = 0
            while time.perf_counter() - started < SECONDS:
                subs = [f"bench-push-{n + k}" for k in range(per_tick)]
                n += per_tick
                notice = Notice(OFFER_MADE, subs, "enrollment/1", PARAMS)
                async with conn.transaction():
                    await OUTBOX.emit_on(conn, notice, now=Clock().now())
                at = time.time()
                committed.update(dict.fromkeys(subs, at))
                # the next tick on the schedule, whatever this one cost
                next_at = started + (n / per_tick) * tick
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            last_commit = time.time()
            deadline = time.time() + 120
            while len(gateway.arrived) < len(committed) and time.time() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            drained = time.time() - last_commit
        finally:
            await conn.close()
    finally:
        stop(process)
        await runner.cleanup()
    latencies = [gateway.arrived[s] - committed[s] for s in committed if s in gateway.arrived]
    return {
        "events": float(len(committed)),
        "rate": len(committed) / SECONDS,
        "received": float(len(gateway.arrived)),
        "deliveries": float(gateway.deliveries),
        "p50_s": quantile(latencies, 0.5),
        "p99_s": quantile(latencies, 0.99),
        "max_s": max(latencies) if latencies else float("nan"),
        "drain_s": drained,
    }


# --- 3. the inbox read against /healthz --------------------------------------------------------


async def inbox_read(url: str, keys: Keys) -> dict[str, float]:
    env = {**production_env(keys), "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        async with conn.transaction():
            for k in range(60):
                notice = Notice(OFFER_MADE, ["bench-reader"], f"enrollment/{k}", PARAMS)
                await OUTBOX.emit_on(conn, notice, now=Clock().now())
    finally:
        await conn.close()
    process = start_uvicorn("notify-reader", "services.childcare.main:create_app", env)
    results: dict[str, float] = {}
    try:
        await asyncio.to_thread(wait_until, process, "/readyz")
        headers = {"Authorization": f"Bearer {keys.token('bench-reader')}"}
        base = process.base_url
        async with aiohttp.ClientSession() as session:
            last = ""
            for _ in range(100):  # the dispatcher has put the 60 in the inbox
                async with session.get(
                    f"{base}/childcare/v1/me/notifications", headers=headers
                ) as r:
                    last = await r.text()
                    if r.status == 200 and json.loads(last)["unread"] == 60:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError(f"the inbox never filled: {last[:300]}")
            ops = {
                "inbox": http_get(
                    session, lambda _: f"{base}/childcare/v1/me/notifications", headers
                ),
                "healthz": http_get(session, lambda _: f"{base}/healthz"),
            }
            rps: dict[str, list[float]] = {"inbox": [], "healthz": []}
            for op in ops.values():  # warm-up
                await run_closed_loop(op, concurrency=16, seconds=0.5, max_requests=10**7)
            for round_no in range(3):
                for name in ("inbox", "healthz") if round_no % 2 == 0 else ("healthz", "inbox"):
                    sample = await run_closed_loop(
                        ops[name], concurrency=16, seconds=2.5, max_requests=10**7
                    )
                    assert sample.errors == 0, f"{name}: {sample.errors} errors"
                    rps[name].append(sample.rps)
                    results[f"{name}_p99_ms"] = sample.percentile(0.99)
        results["inbox_rps"] = statistics.median(rps["inbox"])
        results["healthz_rps"] = statistics.median(rps["healthz"])
        results["ratio"] = results["inbox_rps"] / results["healthz_rps"]
    finally:
        stop(process)
    return results


def render(write: dict[str, float], push: dict[str, float], read: dict[str, float]) -> str:
    def verdict(ok: bool) -> str:
        return "meets" if ok else "MISSES"

    return "\n".join(
        [
            "# Notifications bench (`make bench`, `python -m bench.notify`)",
            "",
            f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs, load "
            f"average {os.getloadavg()[0]:.1f} at the end (other work shares the machine).",
            "",
            "| figure | measured | target |",
            "|---|---|---|",
            f"| write path with/without the outbox (fair registration, median of "
            f"{int(write['requests'])} in-process POSTs) | {write['with_ms']:.2f} ms / "
            f"{write['without_ms']:.2f} ms = **{write['ratio']:.3f}×** (p99 "
            f"{write['with_p99_ms']:.1f} / {write['without_p99_ms']:.1f} ms; the outbox "
            f"statement alone {write['emit_ms']:.2f} ms) | ≤ 1.10× "
            f"({verdict(write['ratio'] <= 1.10)}) |",
            f"| commit to webhook, {push['rate']:.0f} events/s for {SECONDS:.0f} s through one "
            f"dispatcher ({int(push['received'])}/{int(push['events'])} received, "
            f"{int(push['deliveries'])} POSTs) | p50 {push['p50_s']:.3f} s, **p99 "
            f"{push['p99_s']:.3f} s**, max {push['max_s']:.3f} s; drained "
            f"{push['drain_s']:.2f} s after the last commit | p99 ≤ 2 s "
            f"({verdict(push['p99_s'] <= 2 and push['received'] == push['events'])}) |",
            f"| inbox read / `/healthz` (closed loop at 16) | {read['inbox_rps']:.0f} / "
            f"{read['healthz_rps']:.0f} req/s = **{read['ratio']:.2f}** (p99 "
            f"{read['inbox_p99_ms']:.1f} / {read['healthz_p99_ms']:.1f} ms) | ≥ 0.3 "
            f"({verdict(read['ratio'] >= 0.3)}) |",
            "",
        ]
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as keydir, bench_database() as db:
        keys = Keys.create(Path(keydir))
        say("write path with and without the outbox")
        write = asyncio.run(write_path(db.service_urls["jobs"], keys))
        say(f"push throughput at {RATE}/s for {SECONDS:.0f} s")
        push = asyncio.run(throughput(db.service_urls["childcare"], keys))
        say("inbox read against /healthz")
        read = asyncio.run(inbox_read(db.service_urls["childcare"], keys))
    report = render(write, push, read)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
