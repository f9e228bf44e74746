"""What the bench runs against: a throwaway database and the real service processes.

Everything started here is stopped here, by process id; the database is dropped (or the
embedded server stopped and its temp dir removed) at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import asyncpg
import httpx

from common.migrations import ROOT
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, provision_database
from common.registry import SERVICE_NAMES
from wellbeing.seeding import seed_service

RAW_DIR = ROOT / "bench" / "results" / "raw"
# generated rows spread over ~60 x 60 km around the urban districts, as in the research runs
CITY_CENTRE = (40.82, 111.70)
SPREAD_DEG = (0.27, 0.36)


@contextlib.contextmanager
def bench_database() -> Iterator[ProvisionedDatabase]:
    """A fresh database (BENCH_DATABASE_URL, else embedded), migrated and seeded."""
    with provision_database(server_env="BENCH_DATABASE_URL", prefix="wb_bench") as db:
        for service in SERVICE_NAMES:
            asyncio.run(seed_service(service, db.service_urls[service]))
        yield db


async def institution_ids(url: str) -> list[int]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return [r["id"] for r in await conn.fetch("SELECT id FROM childcare.institution")]
    finally:
        await conn.close()


async def grow_institutions(url: str, total: int, seed: int = 7) -> int:
    """Adds generated institutions (copies of seeded ones at random places) up to `total`."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT * FROM childcare.institution ORDER BY id")
        missing = total - len(rows)
        if missing <= 0:
            return len(rows)
        skip = {"id", "earth_loc", "created_at", "updated_at"}
        columns = [c for c in dict(rows[0]) if c not in skip]
        rng = random.Random(seed)
        records = []
        for n in range(missing):
            template = dict(rows[n % len(rows)])
            template["name"] = f"Bench {n:05d} {template['name']}"[:200]
            template["lat"] = CITY_CENTRE[0] + rng.uniform(-SPREAD_DEG[0], SPREAD_DEG[0])
            template["lon"] = CITY_CENTRE[1] + rng.uniform(-SPREAD_DEG[1], SPREAD_DEG[1])
            records.append(tuple(template[c] for c in columns))
        await conn.copy_records_to_table(
            "institution", schema_name="childcare", columns=columns, records=records
        )
        await conn.execute("ANALYZE childcare.institution")
        count: int = await conn.fetchval("SELECT count(*) FROM childcare.institution")
        return count
    finally:
        await conn.close()


async def server_version(url: str) -> str:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        version: str = await conn.fetchval("SHOW server_version")
        return version
    finally:
        await conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    base_url: str


def start_uvicorn(name: str, factory: str, env: dict[str, str]) -> Process:
    port = free_port()
    RAW_DIR.mkdir(parents=True, exist_ok=True)
    log = (RAW_DIR / f"{name}.log").open("wb")
    popen = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "5",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    return Process(name, popen, f"http://127.0.0.1:{port}")


def wait_until(process: Process, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited; see {RAW_DIR / process.name}.log")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(process.base_url + path, timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{process.name} not answering {path} within {timeout:.0f}s")


def stop(process: Process) -> None:
    if process.popen.poll() is None:
        process.popen.send_signal(signal.SIGTERM)
        try:
            process.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()


@contextlib.asynccontextmanager
async def asyncpg_pool(url: str, size: int) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(asyncpg_dsn(url), min_size=size, max_size=size)
    try:
        yield pool
    finally:
        await pool.close()


def gateway_available() -> bool:
    return importlib.util.find_spec("gateway.main") is not None
