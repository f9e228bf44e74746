"""Station SQL. Reads are statements compiled once (`common.read`): one statement per page,
with each station's schedule and its `open_now` computed in the same query (no ORM objects, no
second round trip for child rows). Writes go through the request's session and only flush."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    SmallInteger,
    and_,
    bindparam,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import String

from common.geo_query import keyset_params, keyset_statement
from common.read import Statement
from services.jobs.models import Station, StationException, StationHours
from services.jobs.stations.hours import ExceptionRow, LocalMoment


@dataclass(frozen=True)
class StationFilter:
    district: str | None = None
    amenities: tuple[str, ...] = ()
    open_now: bool | None = None
    near: tuple[float, float, int] | None = None  # WGS-84 lat, lon, radius metres


# the local moment every statement is evaluated at, bound per request
_ON_DATE = bindparam("on_date", type_=Date)
_WEEKDAY = bindparam("weekday", type_=SmallInteger)
_MINUTE = bindparam("minute", type_=Integer)


def _open_now() -> ColumnElement[bool]:
    """SQL twin of `hours.is_open`: a date exception replaces the weekly schedule."""
    exception_today = exists().where(
        StationException.station_id == Station.id, StationException.on_date == _ON_DATE
    )
    open_by_exception = exists().where(
        StationException.station_id == Station.id,
        StationException.on_date == _ON_DATE,
        StationException.closed.is_(False),
        StationException.opens <= _MINUTE,
        StationException.closes > _MINUTE,
    )
    open_by_schedule = exists().where(
        StationHours.station_id == Station.id,
        StationHours.weekday == _WEEKDAY,
        StationHours.opens <= _MINUTE,
        StationHours.closes > _MINUTE,
    )
    return or_(open_by_exception, and_(~exception_today, open_by_schedule))


_EMPTY: ColumnElement[Any] = literal_column("'[]'::jsonb")
# [[weekday, opens, closes], ...] in weekday order
_HOURS = (
    select(
        func.coalesce(
            func.jsonb_agg(
                aggregate_order_by(
                    func.jsonb_build_array(
                        StationHours.weekday, StationHours.opens, StationHours.closes
                    ),
                    StationHours.weekday,
                    StationHours.opens,
                )
            ),
            _EMPTY,
        )
    )
    .where(StationHours.station_id == Station.id)
    .scalar_subquery()
)
# [[date, closed, opens, closes, note], ...] from today on: past ones tell a traveller nothing
_EXCEPTIONS = (
    select(
        func.coalesce(
            func.jsonb_agg(
                aggregate_order_by(
                    func.jsonb_build_array(
                        StationException.on_date,
                        StationException.closed,
                        StationException.opens,
                        StationException.closes,
                        StationException.note,
                    ),
                    StationException.on_date,
                )
            ),
            _EMPTY,
        )
    )
    .where(StationException.station_id == Station.id, StationException.on_date >= _ON_DATE)
    .scalar_subquery()
)

_BASE = (
    Station.id,
    Station.name,
    Station.district,
    Station.address,
    Station.lat,
    Station.lon,
    Station.amenities,
    Station.operator,
)
COLUMNS = (
    *_BASE,
    Station.operator_kind,
    Station.phone,
    _HOURS.label("hours"),
    _EXCEPTIONS.label("exceptions"),
    _open_now().label("open_now"),
)
# the map layer: no schedule, only whether each station is open
LAYER_COLUMNS = (*_BASE, _open_now().label("open_now"))
BY_ID = select(*COLUMNS).where(Station.id == bindparam("id"))
GET = Statement(BY_ID)


@dataclass(frozen=True)
class _Shape:
    """What decides the SQL of a search (not the values bound into it)."""

    district: bool
    amenities: bool
    open_now: bool | None
    near: bool
    after: bool

    @classmethod
    def of(cls, f: StationFilter, after: bool) -> _Shape:
        return cls(f.district is not None, bool(f.amenities), f.open_now, f.near is not None, after)


def _conditions(s: _Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if s.district:
        conditions.append(Station.district == bindparam("district"))
    if s.amenities:
        # `@>` on the varchar[] column uses the GIN index
        wanted = bindparam("amenities", type_=ARRAY(String(30)))
        conditions.append(Station.amenities.contains(wanted))
    if s.open_now is True:
        conditions.append(_open_now())
    elif s.open_now is False:
        conditions.append(~_open_now())
    return conditions


@lru_cache(maxsize=128)
def _search_statement(shape: _Shape) -> Statement[asyncpg.Record]:
    return Statement(
        keyset_statement(
            COLUMNS,
            earth_loc=Station.earth_loc,
            id_col=Station.id,
            conditions=_conditions(shape),
            near=shape.near,
            after=shape.after,
        )
    )


@lru_cache(maxsize=32)
def _layer_statement(shape: _Shape) -> Statement[asyncpg.Record]:
    return Statement(select(*LAYER_COLUMNS).where(*_conditions(shape)).order_by(Station.id))


def moment_params(at: LocalMoment) -> dict[str, Any]:
    return {"on_date": at.on_date, "weekday": at.weekday, "minute": at.minute}


def _filter_params(f: StationFilter, at: LocalMoment) -> dict[str, Any]:
    params = moment_params(at)
    if f.district is not None:
        params["district"] = f.district
    if f.amenities:
        params["amenities"] = list(f.amenities)
    return params


async def search(
    conn: asyncpg.Connection,
    f: StationFilter,
    *,
    at: LocalMoment,
    limit: int,
    after: list[Any] | None,
) -> Sequence[asyncpg.Record]:
    """`limit + 1` rows of one keyset page, nearest first with a centre, else by id."""
    params = {**keyset_params(f.near, after, limit), **_filter_params(f, at)}
    return await _search_statement(_Shape.of(f, bool(after))).rows(conn, **params)


async def layer(
    conn: asyncpg.Connection, f: StationFilter, *, at: LocalMoment
) -> Sequence[asyncpg.Record]:
    """Every station matching the filters, by id: the whole map layer at once."""
    shape = _Shape.of(StationFilter(f.district, f.amenities, f.open_now), False)
    return await _layer_statement(shape).rows(conn, **_filter_params(f, at))


async def get(conn: asyncpg.Connection, station_id: int, at: LocalMoment) -> asyncpg.Record | None:
    return await GET.row(conn, id=station_id, **moment_params(at))


# --- writes (the request's session) ----------------------------------------------------------


async def row_in_session(
    session: AsyncSession, station_id: int, at: LocalMoment
) -> Mapping[str, Any]:
    """The station as the read path shapes it, read inside the writing transaction."""
    params = {"id": station_id, **moment_params(at)}
    return dict((await session.execute(BY_ID, params)).mappings().one())


async def lock_station(session: AsyncSession, station_id: int) -> Station | None:
    return await session.scalar(
        select(Station)
        .where(Station.id == station_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def replace_hours(
    session: AsyncSession, station_id: int, intervals: Sequence[tuple[int, int, int]]
) -> None:
    await session.execute(delete(StationHours).where(StationHours.station_id == station_id))
    session.add_all(
        StationHours(station_id=station_id, weekday=w, opens=o, closes=c) for w, o, c in intervals
    )
    await session.flush()


async def replace_exceptions(
    session: AsyncSession,
    station_id: int,
    exceptions: Sequence[ExceptionRow],
) -> None:
    await session.execute(delete(StationException).where(StationException.station_id == station_id))
    session.add_all(
        StationException(
            station_id=station_id, on_date=d, closed=closed, opens=o, closes=c, note=note
        )
        for d, closed, o, c, note in exceptions
    )
    await session.flush()
