"""Graduate SQL: the citizen's own registration, and the counts of retention progress (the
historical reported rows plus live registrations, by year in the city's time zone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import DateTime, Integer, bindparam, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.jobs.models import Graduate, RetentionAggregate

COLUMNS = (
    Graduate.id,
    Graduate.university,
    Graduate.degree,
    Graduate.graduation_date,
    Graduate.retention,
    Graduate.employment_status,
    Graduate.district,
    Graduate.registered_at,
)
_MINE = select(*COLUMNS).where(Graduate.citizen_sub == bindparam("citizen"))
GET_MINE = Statement(_MINE)
_CITY_YEAR = cast(
    func.extract("year", func.timezone("Asia/Shanghai", Graduate.registered_at)), Integer
)
LIVE_BY_YEAR = Statement(
    select(_CITY_YEAR.label("year"), Graduate.retention, func.count().label("graduates"))
    .group_by(_CITY_YEAR, Graduate.retention)
    .order_by(_CITY_YEAR)
)
HISTORICAL_BY_YEAR = Statement(
    select(
        RetentionAggregate.year,
        RetentionAggregate.retention,
        func.sum(RetentionAggregate.graduates).label("graduates"),
    ).group_by(RetentionAggregate.year, RetentionAggregate.retention)
)
HISTORICAL = Statement(
    select(
        RetentionAggregate.year,
        func.max(RetentionAggregate.as_of_date).label("as_of_date"),
        func.sum(RetentionAggregate.graduates).label("graduates"),
        func.min(RetentionAggregate.source).label("source"),
    )
    .group_by(RetentionAggregate.year)
    .order_by(RetentionAggregate.year)
)


# the last change behind the progress figures (same figures, same `as_of`, same ETag)
LAST_CHANGE = Statement(
    select(
        func.greatest(
            select(func.max(Graduate.updated_at)).scalar_subquery(),
            select(
                func.max(
                    func.timezone("Asia/Shanghai", cast(RetentionAggregate.as_of_date, DateTime))
                )
            ).scalar_subquery(),
        )
    )
)


async def get_mine(conn: asyncpg.Connection, citizen: str) -> asyncpg.Record | None:
    return await GET_MINE.row(conn, citizen=citizen)


async def progress_rows(
    conn: asyncpg.Connection,
) -> tuple[Sequence[asyncpg.Record], Sequence[asyncpg.Record], Sequence[asyncpg.Record]]:
    return (
        await LIVE_BY_YEAR.rows(conn),
        await HISTORICAL_BY_YEAR.rows(conn),
        await HISTORICAL.rows(conn),
    )


async def last_change(conn: asyncpg.Connection) -> datetime | None:
    value: datetime | None = await LAST_CHANGE.value(conn)
    return value


# --- writes (the request's session) ----------------------------------------------------------


async def mine_in_session(session: AsyncSession, citizen: str) -> Mapping[str, Any] | None:
    row = (await session.execute(_MINE, {"citizen": citizen})).mappings().first()
    return None if row is None else dict(row)


async def lock_mine(session: AsyncSession, citizen: str) -> Graduate | None:
    return await session.scalar(
        select(Graduate)
        .where(Graduate.citizen_sub == citizen)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
