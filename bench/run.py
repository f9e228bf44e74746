"""`make bench`: every public read, the contention write, the citizen view and a proxied read,
beside their ceilings, at two concurrencies; a py-spy profile per operation; the scale curve to
a million rows with the plans; postings searched as people type at 1k and 100k rows
(bench/search.py); a soak for memory and GC. Results in `bench/results/latest.md` and
`latest.json`.

Knobs (environment): BENCH_DATABASE_URL (a superuser URL; default an embedded PostgreSQL),
BENCH_SECONDS per round (2.5), BENCH_ROUNDS (3), BENCH_LEVELS ("1,16,64"), BENCH_ONLY (scenario
key prefixes, comma-separated), BENCH_PROFILE_SECONDS (4; 0 = no profiles), BENCH_SCALE
("1000,100000,1000000"; "" = none), BENCH_SEARCH_SCALE ("1000,100000"; "" = none),
BENCH_SOAK_SECONDS (600; 0 = none), BENCH_RESULTS (the .md path; the .json goes beside it).
Process logs in bench/results/raw/.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncpg

from bench import profile, scale, search
from bench.environment import (
    Keys,
    Process,
    asyncpg_pool,
    bench_database,
    institution_ids,
    production_env,
    server_version,
    start_uvicorn,
    stop,
    wait_until,
)
from bench.load import run_closed_loop
from bench.report import Results, as_json, render
from bench.scenarios import SCENARIOS, Contention, Context, Scenario, Seats
from bench.soak import gc_pauses, pause_delta, soak
from common.demo import DEMO_CITIZEN
from common.migrations import ROOT
from common.provisioning import asyncpg_dsn, scratch_database
from common.search import document

SECONDS = float(os.environ.get("BENCH_SECONDS", "2.5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
LEVELS = [int(c) for c in os.environ.get("BENCH_LEVELS", "1,16,64").split(",")]
ONLY = [p for p in os.environ.get("BENCH_ONLY", "").split(",") if p]
PROFILE_SECONDS = float(os.environ.get("BENCH_PROFILE_SECONDS", "4"))
SCALE = [int(s) for s in os.environ.get("BENCH_SCALE", "1000,100000,1000000").split(",") if s]
SOAK_SECONDS = float(os.environ.get("BENCH_SOAK_SECONDS", "600"))
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results" / "latest.md"))
WARMUP_SECONDS = 0.5
MAX_REQUESTS = 10**7
FACTORIES = {
    "childcare": "bench.ceilings:childcare_app",
    "jobs": "bench.ceilings:jobs_app",
    "eldercare": "bench.ceilings:eldercare_app",
}
CONTENTION_INSTITUTIONS, CONTENTION_CAPACITY = 10, 40
GUARDIANS, CHILDREN_EACH = 2000, 15


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def selected() -> list[Scenario]:
    return [s for s in SCENARIOS if not ONLY or any(s.key.startswith(p) for p in ONLY)]


async def prepare_contention(url: str, keys: Keys) -> Contention:
    """A few small institutions and many guardians' children who have not applied anywhere."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        ids = [
            await conn.fetchval(
                "INSERT INTO childcare.institution (name, district, address, lat, lon, kind, "
                "inclusive, public_owned, capacity, enrolled, offered, monthly_fee_fen, "
                "min_age_months, max_age_months, opening_hours, phone, search) VALUES ($1, "
                "'赛罕区', '赛罕区测试路', 40.80, 111.73, 'private', true, false, $2, 0, 0, "
                "150000, 0, 36, '07:30-18:00', '0471-0000000', $3::text::tsvector) RETURNING id",
                f"争抢托育园{n}",
                CONTENTION_CAPACITY,
                document(f"争抢托育园{n}"),  # the search document the service would write
            )
            for n in range(CONTENTION_INSTITUTIONS)
        ]
        birth = dt.date.today() - dt.timedelta(days=400)
        records = [
            (f"bench-guardian-{g}", f"宝宝{g}-{k}", birth)
            for g in range(GUARDIANS)
            for k in range(CHILDREN_EACH)
        ]
        await conn.copy_records_to_table(
            "child",
            schema_name="childcare",
            columns=["guardian_sub", "name", "birth_date"],
            records=records,
        )
        rows = await conn.fetch(
            "SELECT id, guardian_sub FROM childcare.child "
            "WHERE guardian_sub LIKE 'bench-guardian-%' ORDER BY id"
        )
    finally:
        await conn.close()
    tokens = {f"bench-guardian-{g}": keys.token(f"bench-guardian-{g}") for g in range(GUARDIANS)}
    # interleave guardians, so consecutive requests come from different citizens
    by_guardian: dict[str, list[int]] = {}
    for r in rows:
        by_guardian.setdefault(r["guardian_sub"], []).append(r["id"])
    pairs = [
        (tokens[g], children[k])
        for k in range(CHILDREN_EACH)
        for g, children in by_guardian.items()
        if k < len(children)
    ]
    return Contention(ids, pairs)


SEAT_CITIZENS = 5000


async def prepare_seats(base: str, keys: Keys) -> Seats:
    """One class with room for 100 and a waitlist of 200, and many citizens who want in."""
    staff = {"Authorization": f"Bearer {keys.token('bench-staff', 'eldercare_staff')}"}
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/eldercare/v1/communities?limit=1") as r:
            community = (await r.json())["items"][0]["id"]
        body = {
            "title": "压测合唱班",
            "category": "singing",
            "community_id": community,
            "place": "活动室",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
            "capacity": 100,
            "waitlist_capacity": 200,
        }
        async with session.post(f"{base}/eldercare/v1/activities", json=body, headers=staff) as r:
            created = await r.json()
            assert r.status == 201, created
    tokens = [keys.token(f"bench-elder-{n}", "citizen") for n in range(SEAT_CITIZENS)]
    return Seats(created["id"], tokens)


async def seats_check(url: str, seats: Seats) -> dict[str, object]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        row = await conn.fetchrow(
            "SELECT a.capacity, a.registered, a.waitlisted, "
            "(SELECT count(*) FROM eldercare.activity_registration r "
            " WHERE r.activity_id = a.id AND r.status = 'registered') AS registered_rows "
            "FROM eldercare.activity a WHERE a.id = $1",
            seats.activity_id,
        )
    finally:
        await conn.close()
    assert row is not None
    return {
        "answers by status": dict(sorted(seats.counts.items())),
        "seats taken / capacity": f"{row['registered']} / {row['capacity']}",
        "over capacity": row["registered"] > row["capacity"],
        "counter equals rows": row["registered"] == row["registered_rows"],
        "waitlisted": row["waitlisted"],
    }


async def prepare_fair(base: str, keys: Keys) -> Seats:
    """A fair with 300 seats and more citizens than seats."""
    staff = {"Authorization": f"Bearer {keys.token('bench-jobs-staff', 'jobs_staff')}"}
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    body = {
        "name": "压测招聘会",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=6)).isoformat(),
        "venue": "会展中心",
        "address": "赛罕区会展路1号",
        "district": "赛罕区",
        "capacity": 300,
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base}/jobs/v1/fairs", json=body, headers=staff) as r,
    ):
        created = await r.json()
        assert r.status == 201, created
    tokens = [keys.token(f"bench-seeker-{n}", "citizen") for n in range(SEAT_CITIZENS)]
    return Seats(created["id"], tokens)


async def fair_check(url: str, seats: Seats) -> dict[str, object]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        row = await conn.fetchrow(
            "SELECT f.capacity, f.registered, (SELECT count(*) FROM jobs.fair_registration r "
            "WHERE r.fair_id = f.id AND r.status = 'registered') AS rows "
            "FROM jobs.fair f WHERE f.id = $1",
            seats.activity_id,
        )
    finally:
        await conn.close()
    assert row is not None
    return {
        "answers by status": dict(sorted(seats.counts.items())),
        "seats taken / capacity": f"{row['registered']} / {row['capacity']}",
        "over capacity": row["registered"] > row["capacity"],
        "counter equals rows": row["registered"] == row["rows"],
    }


async def contention_check(url: str, contention: Contention) -> dict[str, object]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT i.id, i.capacity, i.enrolled, i.offered, "
            "(SELECT count(*) FROM childcare.enrollment e WHERE e.institution_id = i.id "
            " AND e.status = 'enrolled') AS enrolled_rows "
            "FROM childcare.institution i WHERE i.id = ANY($1::bigint[])",
            contention.institution_ids,
        )
    finally:
        await conn.close()
    over = sum(1 for r in rows if r["enrolled"] + r["offered"] > r["capacity"])
    mismatched = sum(1 for r in rows if r["enrolled"] != r["enrolled_rows"])
    return {
        "answers by status": dict(sorted(contention.counts.items())),
        "institutions over capacity": over,
        "institutions whose counter differs from their rows": mismatched,
        "places taken": sum(r["enrolled"] for r in rows),
        "capacity": sum(r["capacity"] for r in rows),
    }


async def measure(ctx: Context, results: Results, processes: dict[str, Process]) -> None:
    scenarios = selected()
    ops = {s.key: s.build(ctx) for s in scenarios}
    before = {n: await gc_pauses(ctx.session, p.base_url) for n, p in processes.items()}
    for c in LEVELS:
        for op in ops.values():
            await run_closed_loop(
                op, concurrency=c, seconds=WARMUP_SECONDS, max_requests=MAX_REQUESTS
            )
        for round_no in range(ROUNDS):
            # interleaved: every operation once per round, so host drift hits all of them alike
            for key, op in ops.items():
                sample = await run_closed_loop(
                    op, concurrency=c, seconds=SECONDS, max_requests=MAX_REQUESTS, seed=round_no + 1
                )
                results.add(c, key, sample)
                say(
                    f"c={c:<3} round {round_no + 1} {key:<16} {sample.rps:8.0f} req/s "
                    f"p50 {sample.percentile(0.5):6.2f} p99 {sample.percentile(0.99):7.2f} "
                    f"errors {sample.errors}"
                )
    after = {n: await gc_pauses(ctx.session, p.base_url) for n, p in processes.items()}
    results.gc = {n: pause_delta(before[n], after[n]) for n in before}
    if PROFILE_SECONDS > 0 and not profile.available():
        results.meta["profiles"] = "not taken: py-spy is not installed (pip install -e '.[dev]')"
        say(f"profiles {results.meta['profiles']}")
    if PROFILE_SECONDS > 0 and profile.available():
        for scenario in scenarios:
            process = processes.get(scenario.process)
            if scenario.ceiling or process is None:
                continue
            spy = profile.record(process.popen.pid, PROFILE_SECONDS)
            await run_closed_loop(
                ops[scenario.key],
                concurrency=16,
                seconds=PROFILE_SECONDS,
                max_requests=MAX_REQUESTS,
            )
            results.profiles[scenario.key] = profile.collect(spy)
            say(f"profiled {scenario.key}: {results.profiles[scenario.key].samples} samples")


async def with_context(
    url: str, base: dict[str, str], ids: list[int], citizen: str, contention: Contention,
    run: object, seats: Seats | None = None, eldercare_url: str | None = None,
    fair: Seats | None = None,
) -> None:  # fmt: skip
    connector = aiohttp.TCPConnector(limit=256)
    async with contextlib.AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=connector))
        pool = await stack.enter_async_context(asyncpg_pool(url, 8))
        eldercare = (
            await stack.enter_async_context(asyncpg_pool(eldercare_url, 8))
            if eldercare_url
            else None
        )
        citizen_header = {"Authorization": f"Bearer {citizen}"}
        ctx = Context(session, pool, base, ids, citizen_header, contention, seats, eldercare, fair)
        await run(ctx)  # type: ignore[operator]


SCALE_READS = ("cc.by_id", "cc.nearby", "cc.by_id.loop", "cc.nearby.loop")


async def measure_scale(
    ctx: Context, reads: dict[str, dict[int, tuple[float, float, float]]]
) -> None:
    """Unloaded (c=1) and loaded (c=16) medians of the reads the scale curve follows."""
    for scenario in SCENARIOS:
        if scenario.key not in SCALE_READS:
            continue
        op = scenario.build(ctx)
        for c in (1, 16):
            await run_closed_loop(
                op, concurrency=c, seconds=WARMUP_SECONDS, max_requests=MAX_REQUESTS
            )
            runs = [
                await run_closed_loop(op, concurrency=c, seconds=SECONDS, max_requests=MAX_REQUESTS)
                for _ in range(ROUNDS)
            ]
            middle = len(runs) // 2
            reads.setdefault(scenario.key, {})[c] = (
                sorted(r.percentile(0.5) for r in runs)[middle],
                sorted(r.percentile(0.99) for r in runs)[middle],
                sorted(r.rps for r in runs)[middle],
            )


def run_scale(admin_url: str, keys: Keys, results: Results) -> None:
    with scratch_database(admin_url) as urls:
        url = urls["childcare"]
        env = {**production_env(keys), "DATABASE_URL": url}
        process = start_uvicorn("scale-childcare", FACTORIES["childcare"], env)
        try:
            wait_until(process, "/readyz")
            for size in SCALE:
                rows = asyncio.run(scale.grow(url, size))
                ids = asyncio.run(institution_ids(url))
                plans = asyncio.run(scale.explain(url, asyncio.run(scale.some_id(url))))
                reads: dict[str, dict[int, tuple[float, float, float]]] = {}
                base = {"childcare": process.base_url}
                asyncio.run(
                    with_context(
                        url,
                        base,
                        ids,
                        "",
                        Contention([], []),
                        functools.partial(measure_scale, reads=reads),
                    )
                )
                results.scale[size] = {"rows": rows, "reads": reads, "plans": plans}
                say(
                    f"scale {rows:,}: "
                    + ", ".join(f"{k} p50 {v[1][0]:.2f} ms" for k, v in reads.items())
                )
        finally:
            stop(process)


def main() -> int:
    # a SIGTERM unwinds like Ctrl-C: every process and the database are stopped on the way out
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    results = Results()
    keys = Keys.create(Path(tempfile.mkdtemp(prefix="bench-keys-")))
    with bench_database() as db:
        version = asyncio.run(server_version(db.service_urls["childcare"]))
        env = production_env(keys)
        processes: dict[str, Process] = {
            name: start_uvicorn(name, factory, {**env, "DATABASE_URL": db.service_urls[name]})
            for name, factory in FACTORIES.items()
        }
        try:
            for process in processes.values():
                wait_until(process, "/readyz")
            processes["gateway"] = start_uvicorn(
                "gateway",
                "gateway.main:create_app",
                {
                    **env,
                    **{f"{n.upper()}_URL": p.base_url for n, p in processes.items()},
                    # the bench is one client address: a limit it never reaches
                    "RATE_LIMIT": "100000000/minute",
                    "ANONYMOUS_RATE_LIMIT": "100000000/minute",
                },
            )
            wait_until(processes["gateway"], "/healthz")
            url = db.service_urls["childcare"]
            contention = asyncio.run(prepare_contention(url, keys))
            ids = [
                i for i in asyncio.run(institution_ids(url)) if i not in contention.institution_ids
            ]
            base = {n: p.base_url for n, p in processes.items()}
            citizen = keys.token(DEMO_CITIZEN, "citizen")
            say(f"{len(ids)} institutions, {len(contention.pairs)} children ready to apply")
            seats = asyncio.run(prepare_seats(base["eldercare"], keys))
            fair = asyncio.run(prepare_fair(base["jobs"], keys))
            asyncio.run(
                with_context(
                    url,
                    base,
                    ids,
                    citizen,
                    contention,
                    lambda ctx: measure(ctx, results, processes),
                    seats,
                    db.service_urls["eldercare"],
                    fair,
                )
            )
            results.contention = {
                "childcare enrollments": asyncio.run(contention_check(url, contention)),
                "eldercare class registrations": asyncio.run(
                    seats_check(db.service_urls["eldercare"], seats)
                ),
                "job fair registrations": asyncio.run(fair_check(db.service_urls["jobs"], fair)),
            }
            if SOAK_SECONDS > 0:
                gw = base["gateway"]
                urls = [
                    f"{gw}/childcare/v1/institutions/{ids[0]}",
                    f"{gw}/childcare/v1/institutions?lat=40.82&lon=111.70&radius_m=2000",
                    f"{gw}/childcare/v1/stats",
                    f"{gw}/jobs/v1/stations?lat=40.82&lon=111.70&radius_m=2000",
                    f"{gw}/jobs/v1/postings?q=%E5%B7%A5%E7%A8%8B",
                    f"{gw}/eldercare/v1/circle?lat=40.80&lon=111.70&minutes=15",
                    f"{gw}/eldercare/v1/activities",
                    f"{gw}/wellbeing/v1/districts",
                    f"{gw}/wellbeing/v1/me",
                ]
                say(f"soak for {SOAK_SECONDS:.0f} s")
                results.soak = asyncio.run(
                    soak(
                        list(processes.values()),
                        SOAK_SECONDS,
                        urls,
                        {"Authorization": f"Bearer {citizen}"},
                    )
                )
        finally:
            for process in processes.values():
                stop(process)
        if SCALE:
            run_scale(db.admin_url, keys, results)
        if search.SIZES:
            results.search = search.run_search_curve(db.admin_url, keys)
    where = "embedded, Unix socket" if db.embedded else "BENCH_DATABASE_URL"
    results.meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "python": platform.python_version(),
        "PostgreSQL": f"{version} ({where})",
        "processes": "1 uvicorn worker each (uvloop, httptools), ENVIRONMENT=production, "
        "LOG_LEVEL=INFO (an access line per request), JWT_PUBLIC_KEY",
        "load": "closed loop, aiohttp, loopback, same host as the servers",
        "rounds": f"{ROUNDS} interleaved × {SECONDS:g} s (+{WARMUP_SECONDS:g} s warm-up) "
        f"at c={', '.join(map(str, LEVELS))}",
        "wall time": f"{time.monotonic() - started:.0f} s",
        "host load (1-min average)": f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(render(results), encoding="utf-8")
    RESULTS.with_suffix(".json").write_text(as_json(results), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
