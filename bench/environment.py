"""What the bench runs against: a throwaway database and the real service processes.

Everything started here is stopped here, by process id; the database is dropped (or the
embedded server stopped and its temp dir removed) at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from common.auth import ensure_dev_keys, mint_token
from common.migrations import ROOT
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, provision_database
from common.registry import SERVICE_NAMES
from common.settings import AuthSettings
from wellbeing.seeding import seed_service

RAW_DIR = ROOT / "bench" / "results" / "raw"
# the urban area, where the seeded institutions are
CITY_CENTRE = (40.82, 111.70)


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


def production_env(keys: Keys) -> dict[str, str]:
    """Production mode as a deployment runs it: a configured public key, real secrets, INFO
    logs (the access line of every request included)."""
    return {
        "ENVIRONMENT": "production",
        "JWT_PUBLIC_KEY": keys.public_pem,
        "ID_HASH_KEY": "bench-id-hash-key-" + "0" * 32,
        "CURSOR_KEY": "bench-cursor-key-" + "0" * 32,
        "LOG_LEVEL": "INFO",
        "DOCS_ENABLED": "false",
    }


@dataclass
class Keys:
    private_pem: bytes
    public_pem: str

    @classmethod
    def create(cls, directory: Path) -> Keys:
        private, public = ensure_dev_keys(directory)
        return cls(private.read_bytes(), public.read_text())

    def token(self, sub: str, *roles: str) -> str:
        auth = AuthSettings()
        return mint_token(
            self.private_pem,
            sub=sub,
            roles=list(roles) or ["citizen"],
            issuer=auth.jwt_issuer,
            audience=auth.jwt_audience,
        )


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
