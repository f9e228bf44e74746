"""Async engine and the per-request unit of work.

The engine is created in the app's lifespan (never at import time) and kept in the app's
context (`common.state.Database`).
Repositories only `flush`; the unit of work commits once when the route returns, before the
response is sent, or rolls back on any error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, TypeVar

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import MetaData, select, text
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


def asyncpg_url(url: str) -> str:
    """Accepts `postgresql://` URLs (as ops write them) and selects the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def make_engine(
    url: str,
    *,
    pool_size: int = 16,
    max_overflow: int = 0,
    pool_recycle_seconds: int = 1800,
    application_name: str = "wellbeing",
) -> AsyncEngine:
    """A pool sized to the process's concurrency. No pre-ping (it cost three round trips per
    checkout); connections are recycled after `pool_recycle_seconds` instead, and a connection
    that died in between fails one request with a 503 problem. No overflow by default: opening
    and closing overflow connections under load churned 120-210 connections per 5 s."""
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=pool_recycle_seconds,
        pool_pre_ping=False,
        connect_args={"server_settings": {"application_name": application_name}},
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


# scope="function": the commit happens before the response is sent, so a client never
# sees a success that was not stored
SessionDep = Annotated[AsyncSession, Depends(unit_of_work, scope="function")]
