"""Async engine and the per-request unit of work.

The engine is created in the app's lifespan (never at import time) and kept in the app's
context (`common.state.Database`).
Repositories only `flush`; the unit of work commits once when the route returns, before the
response is sent, or rolls back on any error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Annotated, TypeVar

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import MetaData, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from common.errors import ProblemError
from common.state import service_context

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """Metadata of one service: its own schema and the shared naming convention."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def values_of(enum: type[StrEnum]) -> tuple[str, ...]:
    """The values of an enum, in order, for a model's `CHECK (column IN (...))`."""
    return tuple(member.value for member in enum)


def asyncpg_url(url: str) -> str:
    """Accepts `postgresql://` URLs (as ops write them) and selects the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def _unnamed() -> str:
    return ""


# Behind PgBouncer in transaction mode, consecutive statements of one client connection may run
# on different server connections, so a statement prepared under a name on one server is
# missing (or already taken) on the next. asyncpg's and SQLAlchemy's caches of named
# statements are therefore off, and every statement is prepared unnamed: asyncpg sends
# Parse/Describe with Flush, not Sync, so PgBouncer keeps the same server until the Bind/Execute's
# Sync, and an unnamed statement is never left behind on a server. Works with PgBouncer 1.18
# (Debian 12), which has no `max_prepared_statements`.
PGBOUNCER_CONNECT_ARGS: dict[str, object] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    "prepared_statement_name_func": _unnamed,
}


def make_engine(
    url: str,
    *,
    pool_size: int = 16,
    max_overflow: int = 0,
    pool_recycle_seconds: int = 1800,
    application_name: str = "wellbeing",
    pgbouncer: bool = False,
) -> AsyncEngine:
    """A pool sized to the process's concurrency. No pre-ping (it cost three round trips per
    checkout); connections are recycled after `pool_recycle_seconds` instead, and a connection
    that died in between fails one request with a 503 problem. No overflow by default: opening
    and closing overflow connections under load churned 120-210 connections per 5 s.
    `pgbouncer=True` when the URL is a PgBouncer in transaction mode (no named statements)."""
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=pool_recycle_seconds,
        pool_pre_ping=False,
        connect_args={
            "server_settings": {"application_name": application_name},
            **(PGBOUNCER_CONNECT_ARGS if pgbouncer else {}),
        },
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: commit when the route returns, roll back when it raises (unless
    the error says its effects must stand)."""
    async with service_context(request.app).database.sessionmaker() as session:
        try:
            yield session
        except ProblemError as exc:
            await (session.commit() if exc.commits else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session's transaction, for the hot statements of a
    write: compiled `common.read.Statement`s run on it in the same transaction, prepared by
    asyncpg, without SQLAlchemy's per-statement work (about half of a contended write's CPU)."""
    conn = await session.connection()
    fairy = await conn.get_raw_connection()
    driver: asyncpg.Connection = fairy.driver_connection
    if not driver.is_in_transaction():
        # SQLAlchemy begins lazily, on its first statement: make it begin before the driver runs
        # anything, or the statements would commit one by one
        await session.execute(text("SELECT 1"))
    return driver


M = TypeVar("M", bound=DeclarativeBase)


async def load(
    session: AsyncSession, model: type[M], ident: int, missing: type[ProblemError], *, lock: bool
) -> M:
    """The entity with this id, or `missing` raised (the load-or-404 of a write). `lock` takes
    its row lock (`FOR UPDATE`) and reloads its attributes, for a change that depends on them."""
    statement = select(model).where(model.id == ident)  # type: ignore[attr-defined]
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    found = await session.scalar(statement)
    if found is None:
        raise missing.about({"id": ident})
    return found


async def insert_unless_taken(session: AsyncSession, entity: M) -> M | None:
    """Inserts `entity`, or returns None when one of its unique keys is taken already — asked
    with `ON CONFLICT DO NOTHING` instead of provoking a unique violation, whose error the
    database server would log with the key's values (a child's name and birth date)."""
    state = inspect(entity)
    set_here = state.dict
    values = {c.key: set_here[c.key] for c in state.mapper.column_attrs if c.key in set_here}
    model = type(entity)
    statement = pg_insert(model).values(**values).on_conflict_do_nothing().returning(model)
    inserted: M | None = await session.scalar(
        statement, execution_options={"populate_existing": True}
    )
    return inserted


# scope="function": the commit happens before the response is sent, so a client never
# sees a success that was not stored
SessionDep = Annotated[AsyncSession, Depends(unit_of_work, scope="function")]
