"""Activity and registration SQL. Seats move in one conditional UPDATE or under the activity's
row lock; FIFO order on a waitlist is the order of `id` (assigned under that lock)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Integer,
    any_,
    bindparam,
    case,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from common.read import Statement
from services.eldercare.models import Activity, ActivityRegistration, Community, Elder, Facility

Reg = ActivityRegistration
_LIMIT = bindparam("limit", type_=Integer)

# --- activities ------------------------------------------------------------------------------
COLUMNS = (
    Activity.id,
    Activity.title,
    Activity.category,
    Activity.description,
    Activity.community_id,
    Community.name.label("community_name"),
    Community.district,
    Activity.facility_id,
    Activity.place,
    func.coalesce(Facility.lat, Community.lat).label("lat"),
    func.coalesce(Facility.lon, Community.lon).label("lon"),
    Activity.starts_at,
    Activity.ends_at,
    Activity.capacity,
    Activity.registered,
    Activity.waitlist_capacity,
    Activity.waitlisted,
    Activity.status,
)
ACTIVITIES = (
    select(*COLUMNS)
    .join(Community, Community.id == Activity.community_id)
    .outerjoin(Facility, Facility.id == Activity.facility_id)
)
BY_ID = ACTIVITIES.where(Activity.id == bindparam("id", type_=BigInteger))
GET = Statement(BY_ID)


@dataclass(frozen=True)
class ActivityFilter:
    starts_from: datetime
    until: datetime | None = None
    category: str | None = None
    community_id: int | None = None
    district: str | None = None
    include_cancelled: bool = False


@lru_cache(maxsize=64)
def _search(
    until: bool, category: bool, community: bool, district: bool, cancelled: bool, after: bool
) -> Statement[asyncpg.Record]:
    conditions: list[ColumnElement[bool]] = [
        Activity.starts_at >= bindparam("starts_from", type_=DateTime(timezone=True))
    ]
    if until:
        conditions.append(Activity.starts_at < bindparam("until", type_=DateTime(timezone=True)))
    if category:
        conditions.append(Activity.category == bindparam("category"))
    if community:
        conditions.append(Activity.community_id == bindparam("community_id", type_=BigInteger))
    if district:
        conditions.append(Community.district == bindparam("district"))
    if not cancelled:
        conditions.append(Activity.status == "scheduled")
    if after:
        conditions.append(
            tuple_(Activity.starts_at, Activity.id)
            > tuple_(
                bindparam("after_at", type_=DateTime(timezone=True)),
                bindparam("after_id", type_=BigInteger),
            )
        )
    return Statement(
        ACTIVITIES.where(*conditions).order_by(Activity.starts_at, Activity.id).limit(_LIMIT)
    )


async def search(
    conn: asyncpg.Connection,
    f: ActivityFilter,
    *,
    limit: int,
    after: tuple[datetime, int] | None,
) -> Sequence[asyncpg.Record]:
    """`limit` rows in time order (then id) from `starts_from`."""
    params: dict[str, Any] = {"limit": limit, "starts_from": f.starts_from}
    for name in ("until", "category", "community_id", "district"):
        if (value := getattr(f, name)) is not None:
            params[name] = value
    if after is not None:
        params["after_at"], params["after_id"] = after
    statement = _search(
        f.until is not None,
        f.category is not None,
        f.community_id is not None,
        f.district is not None,
        f.include_cancelled,
        after is not None,
    )
    return await statement.rows(conn, **params)


async def get(conn: asyncpg.Connection, activity_id: int) -> asyncpg.Record | None:
    return await GET.row(conn, id=activity_id)


# --- registrations ---------------------------------------------------------------------------
_ahead = aliased(Reg)
_POSITION = case(
    (
        Reg.status == "waitlisted",
        select(func.count())
        .where(
            _ahead.activity_id == Reg.activity_id,
            _ahead.status == "waitlisted",
            _ahead.id <= Reg.id,
        )
        .scalar_subquery(),
    ),
    else_=None,
)
REGISTRATIONS = (
    select(
        Reg.id,
        Reg.activity_id,
        Activity.title,
        Activity.category,
        Activity.starts_at,
        Activity.place,
        Reg.elder_id,
        Elder.name.label("elder_name"),
        Reg.registrant_sub,
        Reg.status,
        _POSITION.label("waitlist_position"),
        Reg.registered_at,
        Reg.status_changed_at,
    )
    .join(Activity, Activity.id == Reg.activity_id)
    .outerjoin(Elder, Elder.id == Reg.elder_id)
)
# a citizen's registrations: made by them, or of an elder they are linked to
_MINE = REGISTRATIONS.where(
    or_(
        Reg.registrant_sub == bindparam("sub"),
        Reg.elder_id == any_(bindparam("elder_ids", type_=ARRAY(BigInteger))),
    )
)
MINE_NEWEST = Statement(_MINE.order_by(Reg.id.desc()).limit(_LIMIT))
MINE_BEFORE = Statement(
    _MINE.where(Reg.id < bindparam("before_id", type_=BigInteger))
    .order_by(Reg.id.desc())
    .limit(_LIMIT)
)
MINE_UPCOMING = Statement(
    _MINE.where(
        Reg.status == any_(array(["registered", "waitlisted"])),
        Activity.starts_at >= bindparam("now", type_=DateTime(timezone=True)),
    )
    .order_by(Activity.starts_at, Reg.id)
    .limit(_LIMIT)
)


async def mine(
    conn: asyncpg.Connection,
    sub: str,
    elder_ids: Sequence[int],
    *,
    limit: int,
    before_id: int | None,
) -> Sequence[asyncpg.Record]:
    params: dict[str, Any] = {"sub": sub, "elder_ids": list(elder_ids), "limit": limit}
    if before_id is None:
        return await MINE_NEWEST.rows(conn, **params)
    return await MINE_BEFORE.rows(conn, **params, before_id=before_id)


async def upcoming_mine(
    conn: asyncpg.Connection, sub: str, elder_ids: Sequence[int], *, now: datetime, limit: int
) -> Sequence[asyncpg.Record]:
    return await MINE_UPCOMING.rows(conn, sub=sub, elder_ids=list(elder_ids), now=now, limit=limit)


# --- writes (the request's session) ------------------------------------------------------------


async def activity_in_session(session: AsyncSession, activity_id: int) -> Mapping[str, Any]:
    return dict((await session.execute(BY_ID, {"id": activity_id})).mappings().one())


async def registration_in_session(session: AsyncSession, reg_id: int) -> Mapping[str, Any]:
    stmt = REGISTRATIONS.where(Reg.id == reg_id)
    return dict((await session.execute(stmt)).mappings().one())


async def lock_activity(session: AsyncSession, activity_id: int) -> Activity | None:
    return await session.scalar(
        select(Activity)
        .where(Activity.id == activity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def take_seat(session: AsyncSession, activity_id: int, now: datetime) -> bool:
    """One conditional statement: a seat is taken only while one is free (and the session is
    scheduled and has not started)."""
    taken = await session.scalar(
        update(Activity)
        .where(
            Activity.id == activity_id,
            Activity.registered < Activity.capacity,
            Activity.status == "scheduled",
            Activity.starts_at > now,
        )
        .values(registered=Activity.registered + 1)
        .returning(Activity.id)
        .execution_options(synchronize_session=False)
    )
    return taken is not None


async def join_waitlist(session: AsyncSession, activity_id: int) -> bool:
    """A place on the waitlist, only while there is room (the caller holds the row lock)."""
    joined = await session.scalar(
        update(Activity)
        .where(Activity.id == activity_id, Activity.waitlisted < Activity.waitlist_capacity)
        .values(waitlisted=Activity.waitlisted + 1)
        .returning(Activity.id)
        .execution_options(synchronize_session=False)
    )
    return joined is not None


async def adjust(
    session: AsyncSession, activity_id: int, *, registered: int = 0, waitlisted: int = 0
) -> None:
    await session.execute(
        update(Activity)
        .where(Activity.id == activity_id)
        .values(
            registered=Activity.registered + registered,
            waitlisted=Activity.waitlisted + waitlisted,
        )
        .execution_options(synchronize_session=False)
    )


async def has_active(session: AsyncSession, activity_id: int, participant: str) -> bool:
    found = await session.scalar(
        select(Reg.id).where(
            Reg.activity_id == activity_id,
            Reg.participant == participant,
            Reg.status.in_(["registered", "waitlisted"]),
        )
    )
    return found is not None


async def waitlist_head(session: AsyncSession, activity_id: int, n: int) -> list[Reg]:
    """The first `n` waiting registrations, FIFO, row-locked."""
    stmt = (
        select(Reg)
        .where(Reg.activity_id == activity_id, Reg.status == "waitlisted")
        .order_by(Reg.id)
        .limit(n)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def active_registrations(session: AsyncSession, activity_id: int) -> list[Reg]:
    stmt = (
        select(Reg)
        .where(Reg.activity_id == activity_id, Reg.status.in_(["registered", "waitlisted"]))
        .order_by(Reg.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def get_registration(session: AsyncSession, reg_id: int, *, lock: bool = False) -> Reg | None:
    stmt = select(Reg).where(Reg.id == reg_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


# --- statistics: upcoming sessions by district ------------------------------------------------
