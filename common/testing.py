"""Test support shared by every test package: a real PostgreSQL, migrated with the real Alembic
environments, per-test isolation by an outer transaction, and dev-key tokens.

The database is the embedded PostgreSQL wheel by default, or any server given by
`TEST_DATABASE_URL` (a superuser URL; a fresh database is created on it and dropped after).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from alembic import command
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.auth import ensure_dev_keys, mint_token
from common.migrations import ROOT, SERVICES, alembic_config
from common.settings import AuthSettings, Environment
from wellbeing.database import asyncpg_dsn, bootstrap, service_role, with_database


@dataclass
class SuiteDatabase:
    admin_url: str  # superuser, on the test database
    service_urls: dict[str, str]  # each service's own role
    embedded: bool = True  # False: a server given by the environment


def migrate(service: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


@contextmanager
def provision_database(
    server_env: str = "TEST_DATABASE_URL", prefix: str = "wb_test"
) -> Iterator[SuiteDatabase]:
    """A fresh, bootstrapped and migrated database on the server in `$server_env` (a superuser
    URL), else on an embedded PostgreSQL in a temporary directory; dropped afterwards."""
    server_url = os.environ.get(server_env)
    embedded = None
    workdir = None
    if not server_url:
        from wellbeing.database import start_embedded

        workdir = Path(tempfile.mkdtemp(prefix="wellbeing-test-"))
        embedded = start_embedded(workdir / "pgdata")
        server_url = embedded.url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        urls = asyncio.run(bootstrap(server_url, name))
        for service in SERVICES:
            if (ROOT / "migrations" / service / "env.py").exists():
                migrate(service, urls[service])
        yield SuiteDatabase(
            admin_url=with_database(server_url, name),
            service_urls=urls,
            embedded=embedded is not None,
        )
    finally:
        asyncio.run(_drop_database(server_url, name))
        if embedded is not None:
            embedded.stop()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


async def _drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class DevTokens:
    """Mints tokens with a throwaway development key, as `wellbeing token` does."""

    def __init__(self, directory: Path) -> None:
        self.private_key, self.public_key = ensure_dev_keys(directory)
        self.auth = AuthSettings(environment=Environment.development, dev_key_file=self.public_key)

    def settings(self) -> dict[str, Any]:
        return {"environment": Environment.development, "dev_key_file": self.public_key}

    def token(self, sub: str, *roles: str, **overrides: Any) -> str:
        return mint_token(
            self.private_key.read_bytes(),
            sub=sub,
            roles=list(roles) or ["citizen"],
            issuer=overrides.pop("issuer", self.auth.jwt_issuer),
            audience=overrides.pop("audience", self.auth.jwt_audience),
            **overrides,
        )

    def headers(self, sub: str, *roles: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(sub, *roles)}"}


@asynccontextmanager
async def running_app(app: FastAPI) -> AsyncIterator[FastAPI]:
    async with LifespanManager(app):
        yield app


@asynccontextmanager
async def isolated_client(
    app: FastAPI, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose every request shares one outer transaction, rolled back at the end.

    Sessions join it with savepoints, so the code under test can commit as usual.
    """
    engine = app.state.engine
    original = app.state.sessionmaker
    async with engine.connect() as conn:
        outer = await conn.begin()
        app.state.sessionmaker = async_sessionmaker(
            bind=conn,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
                yield client
        finally:
            app.state.sessionmaker = original
            await outer.rollback()


@asynccontextmanager
async def committing_client(
    app: FastAPI, cleanup: Callable[[AsyncSession], Any] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app's real pool: requests commit for real (for concurrency tests)."""
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        if cleanup is not None:
            async with app.state.sessionmaker() as session:
                await cleanup(session)
                await session.commit()


__all__ = [
    "DevTokens",
    "SuiteDatabase",
    "committing_client",
    "isolated_client",
    "migrate",
    "provision_database",
    "running_app",
    "service_role",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(factory: str, env: dict[str, str], *, ready_path: str = "/readyz") -> Iterator[str]:
    """Runs `uvicorn --factory <factory>` as a real process on a free loopback port."""
    import subprocess
    import sys
    import time

    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1"]
    base = f"http://127.0.0.1:{port}"
    # output to a file, not a pipe: nobody reads a pipe while it runs, and a full pipe blocks it
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [*argv, "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(f"{factory} exited early: {output[-2000:]}")
                try:
                    if httpx.get(base + ready_path, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{factory} not ready on {base}{ready_path} within 30 s")
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def scratch_database(admin_url: str, *, migrate_all: bool = True) -> Iterator[dict[str, str]]:
    """A separate bootstrapped (and migrated) database, for tests that commit freely."""
    name = f"wb_scratch_{uuid.uuid4().hex[:8]}"
    urls = asyncio.run(bootstrap(admin_url, name))
    try:
        if migrate_all:
            for service in SERVICES:
                if (ROOT / "migrations" / service / "env.py").exists():
                    migrate(service, urls[service])
        yield urls
    finally:
        asyncio.run(_drop_database(admin_url, name))
