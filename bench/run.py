"""`make bench`: throughput and latency of the main reads beside their ceilings, and data growth.

Scenarios (each measured in >= 3 interleaved rounds; medians reported):
  a  GET /healthz on the childcare server            framework ceiling (same server, no DB)
  b  PK select through a raw asyncpg pool, no HTTP     database ceiling for (c)
  b2 the nearby query through raw asyncpg, no HTTP     database ceiling for (d)
  c  GET /childcare/v1/institutions/{id}               ORM + pydantic + middleware
  d  GET /childcare/v1/institutions?lat&lon&radius_m   KNN nearby search
  e  (c) through the gateway, when the gateway exists  one proxy hop
at two data sizes (the 126 seeded institutions, then grown to 10,000).

Knobs: BENCH_DATABASE_URL (a superuser URL; default: embedded PostgreSQL in a temp dir),
BENCH_SECONDS (per measurement, default 2.5), BENCH_ROUNDS (3), BENCH_CONCURRENCY (16),
BENCH_LARGE (10000), BENCH_RESULTS (default bench/results/latest.md; also printed);
process logs in bench/results/raw/.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg

from bench.environment import (
    CITY_CENTRE,
    Process,
    asyncpg_pool,
    bench_database,
    gateway_available,
    grow_institutions,
    institution_ids,
    server_version,
    start_uvicorn,
    stop,
    wait_until,
)
from bench.load import Operation, Sample, http_get, median, run_closed_loop
from common.migrations import ROOT

SECONDS = float(os.environ.get("BENCH_SECONDS", "2.5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
LARGE = int(os.environ.get("BENCH_LARGE", "10000"))
MAX_REQUESTS = 200_000
WARMUP_SECONDS = 0.5
RADIUS_M = 2000
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results" / "latest.md"))

PK_SQL = "SELECT * FROM childcare.institution WHERE id = $1"
# the same KNN form the repository builds: index-ordered `<->`, pruned by earth_box
NEARBY_SQL = """
SELECT i.*, public.earth_distance(i.earth_loc, public.ll_to_earth($1, $2)) AS distance_m
FROM childcare.institution i
WHERE public.earth_box(public.ll_to_earth($1, $2), $3) @> i.earth_loc
  AND public.earth_distance(i.earth_loc, public.ll_to_earth($1, $2)) <= $3
ORDER BY i.earth_loc OPERATOR(public.<->) public.ll_to_earth($1, $2), i.id
LIMIT 21
"""

LABELS = {
    "a": "(a) GET /healthz — framework ceiling",
    "b": "(b) PK select, raw asyncpg — DB ceiling",
    "b2": "(b2) nearby KNN, raw asyncpg — DB ceiling",
    "c": "(c) GET /childcare/v1/institutions/{id}",
    "d": "(d) GET /childcare/v1/institutions?lat&lon&radius_m=2000",
    "e": "(e) (c) through the gateway",
}


def random_point(rng: random.Random) -> tuple[float, float]:
    # inside the urban area, where both the seeded and the generated institutions are
    return (CITY_CENTRE[0] + rng.uniform(-0.08, 0.08), CITY_CENTRE[1] + rng.uniform(-0.1, 0.1))


@dataclass
class Results:
    # size -> scenario -> one Sample per round
    samples: dict[int, dict[str, list[Sample]]] = field(default_factory=dict)

    def add(self, size: int, scenario: str, sample: Sample) -> None:
        self.samples.setdefault(size, {}).setdefault(scenario, []).append(sample)

    def rps(self, size: int, scenario: str) -> float:
        return median([s.rps for s in self.samples.get(size, {}).get(scenario, [])])


def scenarios(
    session: aiohttp.ClientSession,
    pool: asyncpg.Pool,
    childcare: Process,
    gateway: Process | None,
    ids: list[int],
) -> dict[str, Operation]:
    def by_id(base: str) -> Callable[[random.Random], str]:
        return lambda rng: f"{base}/childcare/v1/institutions/{rng.choice(ids)}"

    def nearby(rng: random.Random) -> str:
        lat, lon = random_point(rng)
        return (
            f"{childcare.base_url}/childcare/v1/institutions"
            f"?lat={lat:.6f}&lon={lon:.6f}&radius_m={RADIUS_M}"
        )

    async def pk_raw(rng: random.Random) -> bool:
        async with pool.acquire() as conn:
            return await conn.fetchrow(PK_SQL, rng.choice(ids)) is not None

    async def nearby_raw(rng: random.Random) -> bool:
        lat, lon = random_point(rng)
        async with pool.acquire() as conn:
            await conn.fetch(NEARBY_SQL, lat, lon, float(RADIUS_M))
            return True

    ops: dict[str, Operation] = {
        "a": http_get(session, lambda rng: f"{childcare.base_url}/healthz"),
        "b": pk_raw,
        "b2": nearby_raw,
        "c": http_get(session, by_id(childcare.base_url)),
        "d": http_get(session, nearby),
    }
    if gateway is not None:
        ops["e"] = http_get(session, by_id(gateway.base_url))
    return ops


async def measure_size(
    size: int, url: str, childcare: Process, gateway: Process | None, results: Results
) -> None:
    ids = await institution_ids(url)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY * 2)
    # the raw pool matches the service's own pool size (10), so (b) and (c) share the limit
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        asyncpg_pool(url, 10) as pool,
    ):
        ops = scenarios(session, pool, childcare, gateway, ids)
        for op in ops.values():
            await run_closed_loop(
                op, concurrency=CONCURRENCY, seconds=WARMUP_SECONDS, max_requests=MAX_REQUESTS
            )
        for round_no in range(ROUNDS):
            # interleaved: every scenario once per round, so host drift hits all of them alike
            for name, op in ops.items():
                sample = await run_closed_loop(
                    op,
                    concurrency=CONCURRENCY,
                    seconds=SECONDS,
                    max_requests=MAX_REQUESTS,
                    seed=round_no + 1,
                )
                results.add(size, name, sample)
                print(
                    f"  n={size:>6} round {round_no + 1} {name:>2}: {sample.rps:8.0f} req/s "
                    f"p50 {sample.percentile(0.5):6.2f} ms  p99 {sample.percentile(0.99):6.2f} ms"
                    f"  errors {sample.errors}",
                    file=sys.stderr,
                    flush=True,
                )


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "–"


def render(results: Results, meta: dict[str, str]) -> str:
    sizes = sorted(results.samples)
    lines = [
        "# Benchmark: latest run",
        "",
        f"Written by `make bench` (`.venv/bin/python -m bench.run`) on {meta['when']}.",
        "",
        "| setting | value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in meta.items() if k != "when"),
        "",
        "Each cell is the median over the rounds (req/s; p50 and p99 in ms; the percentiles are",
        "medians of the per-round percentiles). Closed loop: at saturation p50/p99 are mostly",
        "queueing. Absolute numbers from a shared 2-core box are not portable; the ratios",
        "measured in the same run are what to compare.",
        "",
        "| scenario | institutions | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in LABELS:
        for size in sizes:
            samples = results.samples[size].get(name)
            if not samples:
                continue
            lines.append(
                f"| {LABELS[name]} | {size:,} | {median([s.rps for s in samples]):,.0f} "
                f"| {median([s.percentile(0.5) for s in samples]):.2f} "
                f"| {median([s.percentile(0.99) for s in samples]):.2f} "
                f"| {sum(s.errors for s in samples)} |"
            )
    lines += [
        "",
        "## Ratios (same run, median req/s)",
        "",
        "| ratio | " + " | ".join(f"{s:,} institutions" for s in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    pairs = [
        ("(c) by id / (a) empty endpoint", "c", "a"),
        ("(c) by id / (b) raw asyncpg PK", "c", "b"),
        ("(d) nearby / (a) empty endpoint", "d", "a"),
        ("(d) nearby / (b2) raw asyncpg nearby", "d", "b2"),
        ("(e) via gateway / (c) direct", "e", "c"),
    ]
    for label, top, bottom in pairs:
        if all(top in results.samples[s] for s in sizes):
            cells = [ratio(results.rps(s, top), results.rps(s, bottom)) for s in sizes]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if len(sizes) == 2:
        small, large = sizes
        lines += [
            "",
            f"## Growth with data size ({small:,} → {large:,} institutions)",
            "",
            "| scenario | req/s at large / small |",
            "|---|---:|",
        ]
        for name in ("b", "b2", "c", "d", "e"):
            if name in results.samples[small] and name in results.samples[large]:
                growth = ratio(results.rps(large, name), results.rps(small, name))
                lines.append(f"| {LABELS[name]} | {growth} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    started = time.monotonic()
    # other work on the host skews every number; the load average makes a noisy run visible
    load_before = os.getloadavg()[0]
    results = Results()
    with bench_database() as db:
        url = db.service_urls["childcare"]
        version = asyncio.run(server_version(url))
        env = {
            "DATABASE_URL": url,
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
        }
        childcare = start_uvicorn("childcare", "services.childcare.main:create_app", env)
        gateway: Process | None = None
        try:
            wait_until(childcare, "/readyz")
            if gateway_available():
                gateway = start_uvicorn(
                    "gateway",
                    "gateway.main:create_app",
                    {
                        "ENVIRONMENT": "development",
                        "LOG_LEVEL": "WARNING",
                        "CHILDCARE_URL": childcare.base_url,
                        # the bench is one anonymous client: lift the per-address limit
                        "RATE_LIMIT": "100000000/minute",
                        "ANONYMOUS_RATE_LIMIT": "100000000/minute",
                    },
                )
                wait_until(gateway, "/healthz")
            seeded = len(asyncio.run(institution_ids(url)))
            print(f"bench: {seeded} seeded institutions", file=sys.stderr)
            asyncio.run(measure_size(seeded, url, childcare, gateway, results))
            grown = asyncio.run(grow_institutions(url, LARGE))
            print(f"bench: grown to {grown} institutions", file=sys.stderr)
            asyncio.run(measure_size(grown, url, childcare, gateway, results))
        finally:
            for process in (gateway, childcare):
                if process is not None:
                    stop(process)
    where_db = "embedded, Unix socket" if db.embedded else "BENCH_DATABASE_URL"
    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "python": platform.python_version(),
        "PostgreSQL": f"{version} ({where_db})",
        "server": "1 uvicorn worker per process (uvloop, httptools), no access log",
        "load": f"closed loop, aiohttp, {CONCURRENCY} concurrent, loopback, same host",
        "rounds": f"{ROUNDS} interleaved × {SECONDS:g} s (+{WARMUP_SECONDS:g} s warm-up each)",
        "nearby": f"random points in the urban area, radius {RADIUS_M} m, limit 20",
        "gateway": "measured" if gateway is not None else "not available in this checkout",
        "wall time": f"{time.monotonic() - started:.0f} s",
        "host load (1-min average)": (
            f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
            "(above ~0.5 before means other work shared the CPUs)"
        ),
    }
    report = render(results, meta)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
