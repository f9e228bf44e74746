"""Alembic helpers: one `alembic.ini` with a named section per service, one env per schema.

Each service's environment sees only its own schema and keeps its version table there, so
three services can share one database (or not) without touching each other's tables.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from alembic import context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.types import UserDefinedType

from common.db import asyncpg_url
from common.registry import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[1]
# database-wide extensions the services use (nearby search, partial-name search)
EXTENSIONS = ("cube", "earthdistance", "pg_trgm")


def alembic_config(service: str, database_url: str | None = None) -> Config:
    if service not in SERVICE_NAMES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICE_NAMES)}")
    cfg = Config(str(ROOT / "alembic.ini"), ini_section=service)
    cfg.set_main_option("script_location", str(ROOT / "migrations" / service))
    if database_url is not None:
        cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def head_revision(service: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(service)).get_current_head()


def known_revisions(service: str) -> frozenset[str]:
    """Every revision this code base has for `service` (a database at another one was
    migrated by a newer release)."""
    scripts = ScriptDirectory.from_config(alembic_config(service))
    return frozenset(r.revision for r in scripts.walk_revisions())


# A revision module may define two functions that `wellbeing migrate` calls on the service's
# connection before any downgrade runs (so a refusal touches nothing, in any service):
#   downgrade_refusal(connection) -> str | None: why this data cannot go below the revision
#   downgrade_loss(connection) -> str | None: what going below it would lose of this data
# The downgrade itself also calls its refusal, for a plain `alembic downgrade`.


def rows_in(connection: Connection, schema: str, tables: Iterable[str]) -> str | None:
    """`"3 elder, 12 visit rows"` for the tables a downgrade drops; None when all are empty."""
    counts = [
        (table, connection.scalar(text(f'SELECT count(*) FROM "{schema}"."{table}"')) or 0)
        for table in tables
    ]
    held = [f"{n} {table}" for table, n in counts if n]
    return f"{', '.join(held)} rows" if held else None


def rows_of(schema: str, tables: Iterable[str]) -> Callable[[Connection], str | None]:
    """The `downgrade_loss` of a downgrade that drops `tables`: the rows they hold."""
    names = tuple(tables)
    return lambda connection: rows_in(connection, schema, names)


def run_env(metadata: MetaData) -> None:
    """Body of every `migrations/<service>/env.py`."""
    schema = metadata.schema
    assert schema, "service metadata must carry its schema"
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url (wellbeing migrate passes DATABASE_URL)")

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        if type_ == "table":
            return bool(getattr(obj, "schema", None) == schema)
        return True

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        if type_ == "schema":
            return name == schema
        return True

    def compare_type(
        ctx: Any, inspected: Any, metadata_col: Any, insp_type: Any, meta_type: Any
    ) -> bool | None:
        # reflection sees extension types (earthdistance's `earth` domain) as NullType
        if isinstance(meta_type, UserDefinedType):
            return False
        return None

    def do_run(connection: Connection) -> None:
        # check first: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the
        # schema exists, and a service role that owns only its schema lacks that
        exists = connection.scalar(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        )
        if not exists:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_object=include_object,
            include_name=include_name,
            compare_type=compare_type,
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        # search_path=public makes the service schema a non-default one, so autogenerate
        # reports it by name whatever the role's own search_path is
        engine = create_async_engine(
            asyncpg_url(url),
            poolclass=pool.NullPool,
            connect_args={"server_settings": {"search_path": "public"}},
        )
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run_async())


def ensure_extensions() -> None:
    """For a first migration: creates the shared extensions unless present.

    Checked first because a service role cannot create extensions; `wellbeing up` and the
    compose bootstrap create them as the database owner before migrating.
    """
    from alembic import op

    conn = op.get_bind()
    for ext in EXTENSIONS:
        if not conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = :e"), {"e": ext}):
            conn.execute(text(f'CREATE EXTENSION IF NOT EXISTS "{ext}" SCHEMA public'))
