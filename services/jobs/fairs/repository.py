"""Fair and registration SQL. Reads are statements compiled once (`common.read`); writes go
through the request's session and only flush. A seat is taken by one conditional UPDATE of the
fair row (`registered < capacity`), which the CHECK `registered <= capacity` backs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Integer,
    bindparam,
    cast,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.jobs.models import Fair, FairRegistration

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NOW = bindparam("now", type_=DateTime(timezone=True))


@dataclass(frozen=True)
class FairFilter:
    when: str | None = None  # upcoming (not yet over) | past
    district: str | None = None


COLUMNS = (
    Fair.id,
    Fair.name,
    Fair.description,
    Fair.starts_at,
    Fair.ends_at,
    Fair.venue,
    Fair.address,
    Fair.district,
    Fair.capacity,
    Fair.registered,
    Fair.employers,
)
# the cursor holds the start as whole microseconds since the epoch: exact, unlike a float
_SORT_KEY = cast(func.extract("epoch", Fair.starts_at) * 1_000_000, BigInteger)
BY_ID = select(*COLUMNS).where(Fair.id == bindparam("id"))
GET = Statement(BY_ID)


def _conditions(when: str | None, district: bool, after: bool) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if when == "upcoming":
        conditions.append(Fair.ends_at > _NOW)
    elif when == "past":
        conditions.append(Fair.ends_at <= _NOW)
    if district:
        conditions.append(Fair.district == bindparam("district"))
    if after:
        after_at = bindparam("after_at", type_=DateTime(timezone=True))
        conditions.append(
            tuple_(Fair.starts_at, Fair.id)
            > tuple_(after_at, bindparam("after_id", type_=BigInteger))
        )
    return conditions


@lru_cache(maxsize=32)
def _list_statement(when: str | None, district: bool, after: bool) -> Statement[asyncpg.Record]:
    """Soonest first, keyset on (starts_at, id)."""
    return Statement(
        select(*COLUMNS, _SORT_KEY.label("sort_key"))
        .where(*_conditions(when, district, after))
        .order_by(Fair.starts_at, Fair.id)
        .limit(bindparam("limit", type_=Integer))
    )


async def list_fairs(
    conn: asyncpg.Connection, f: FairFilter, *, now: datetime, limit: int, after: list[Any] | None
) -> Sequence[asyncpg.Record]:
    params: dict[str, Any] = {"limit": limit + 1}
    if f.when is not None:
        params["now"] = now
    if f.district is not None:
        params["district"] = f.district
    if after:
        params["after_at"] = EPOCH + timedelta(microseconds=int(after[0]))
        params["after_id"] = int(after[1])
    statement = _list_statement(f.when, f.district is not None, bool(after))
    return await statement.rows(conn, **params)


async def get(conn: asyncpg.Connection, fair_id: int) -> asyncpg.Record | None:
    return await GET.row(conn, id=fair_id)


_REGISTRATION = select(
    FairRegistration.id,
    FairRegistration.fair_id,
    Fair.name.label("fair_name"),
    Fair.starts_at,
    Fair.venue,
    FairRegistration.status,
    FairRegistration.registered_at,
    FairRegistration.cancelled_at,
).join(Fair, Fair.id == FairRegistration.fair_id)
_MINE = _REGISTRATION.where(FairRegistration.citizen_sub == bindparam("citizen"))
MINE_NEWEST = Statement(_MINE.order_by(FairRegistration.id.desc()).limit(bindparam("limit")))
MINE_BEFORE = Statement(
    _MINE.where(FairRegistration.id < bindparam("before_id", type_=BigInteger))
    .order_by(FairRegistration.id.desc())
    .limit(bindparam("limit"))
)
GET_MINE = Statement(_MINE.where(FairRegistration.id == bindparam("id")))


async def list_mine(
    conn: asyncpg.Connection, citizen: str, *, limit: int, before_id: int | None
) -> Sequence[asyncpg.Record]:
    """The citizen's registrations, newest first."""
    if before_id is None:
        return await MINE_NEWEST.rows(conn, citizen=citizen, limit=limit)
    return await MINE_BEFORE.rows(conn, citizen=citizen, limit=limit, before_id=before_id)


async def get_mine(
    conn: asyncpg.Connection, citizen: str, registration_id: int
) -> asyncpg.Record | None:
    return await GET_MINE.row(conn, citizen=citizen, id=registration_id)


# --- writes (the request's session) ----------------------------------------------------------


async def row_in_session(session: AsyncSession, fair_id: int) -> Mapping[str, Any]:
    return dict((await session.execute(BY_ID, {"id": fair_id})).mappings().one())


async def registration_in_session(session: AsyncSession, registration_id: int) -> Mapping[str, Any]:
    stmt = _REGISTRATION.where(FairRegistration.id == registration_id)
    return dict((await session.execute(stmt)).mappings().one())


async def get_fair(session: AsyncSession, fair_id: int, *, lock: bool = False) -> Fair | None:
    stmt = select(Fair).where(Fair.id == fair_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def active_registration(session: AsyncSession, fair_id: int, citizen: str) -> int | None:
    return await session.scalar(
        select(FairRegistration.id).where(
            FairRegistration.fair_id == fair_id,
            FairRegistration.citizen_sub == citizen,
            FairRegistration.status == "registered",
        )
    )


async def take_seat(session: AsyncSession, fair_id: int, now: datetime) -> bool:
    """One conditional statement: a seat is taken only while one is free and the fair has not
    started; concurrent callers queue on the row and each re-checks the condition."""
    taken = await session.scalar(
        update(Fair)
        .where(Fair.id == fair_id, Fair.registered < Fair.capacity, Fair.starts_at > now)
        .values(registered=Fair.registered + 1)
        .returning(Fair.id)
        .execution_options(synchronize_session=False)
    )
    return taken is not None


async def release_seat(session: AsyncSession, fair_id: int) -> None:
    await session.execute(
        update(Fair)
        .where(Fair.id == fair_id)
        .values(registered=Fair.registered - 1)
        .execution_options(synchronize_session=False)
    )


async def lock_registration(
    session: AsyncSession, citizen: str, registration_id: int
) -> FairRegistration | None:
    return await session.scalar(
        select(FairRegistration)
        .where(FairRegistration.id == registration_id, FairRegistration.citizen_sub == citizen)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
