"""All jobs SQL. Repositories flush, never commit: the request's unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from common.geo_query import keyset_select
from services.jobs.models import Station, StationException, StationHours
from services.jobs.stations.hours import LocalMoment


@dataclass(frozen=True)
class StationFilter:
    district: str | None = None
    amenities: tuple[str, ...] = ()
    open_now: bool | None = None
    near: tuple[float, float, int] | None = None  # WGS-84 lat, lon, radius metres


def _earth_at(lat: float, lon: float) -> ColumnElement[Any]:
    return func.public.ll_to_earth(literal(lat, Float), literal(lon, Float))


def open_now_condition(at: LocalMoment) -> ColumnElement[bool]:
    """SQL twin of `hours.is_open`: a date exception replaces the weekly schedule."""
    exception_today = exists().where(
        StationException.station_id == Station.id, StationException.on_date == at.on_date
    )
    open_by_exception = exists().where(
        StationException.station_id == Station.id,
        StationException.on_date == at.on_date,
        StationException.closed.is_(False),
        StationException.opens <= at.minute,
        StationException.closes > at.minute,
    )
    open_by_schedule = exists().where(
        StationHours.station_id == Station.id,
        StationHours.weekday == at.weekday,
        StationHours.opens <= at.minute,
        StationHours.closes > at.minute,
    )
    return or_(open_by_exception, and_(~exception_today, open_by_schedule))


def _conditions(f: StationFilter, at: LocalMoment) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.district is not None:
        conditions.append(Station.district == f.district)
    if f.amenities:
        # `@>` on the text[] column uses the GIN index
        conditions.append(Station.amenities.contains(array(list(f.amenities))))
    if f.open_now is True:
        conditions.append(open_now_condition(at))
    elif f.open_now is False:
        conditions.append(~open_now_condition(at))
    return conditions


def _with_schedule(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(selectinload(Station.hours), selectinload(Station.exceptions))


async def search_stations(
    session: AsyncSession,
    f: StationFilter,
    *,
    at: LocalMoment,
    limit: int,
    after: list[Any] | None,
) -> list[tuple[Station, float | None, float | None]]:
    """Returns (station, distance_m, sort key) rows; keyset on (distance, id) or (id)."""
    conditions = _conditions(f, at)
    stmt = keyset_select(
        Station,
        earth_loc=Station.earth_loc,
        id_col=Station.id,
        conditions=conditions,
        near=f.near,
        after=after,
        limit=limit,
    )
    rows = (await session.execute(_with_schedule(stmt))).all()
    return [(row[0], row[1], row[2]) for row in rows]


async def all_stations(
    session: AsyncSession, f: StationFilter, *, at: LocalMoment
) -> list[Station]:
    """Every station matching the filters, by id: the whole map layer at once."""
    stmt = select(Station).where(*_conditions(f, at)).order_by(Station.id)
    return list((await session.scalars(_with_schedule(stmt))).all())


async def get_station(session: AsyncSession, station_id: int) -> Station | None:
    stmt = _with_schedule(select(Station).where(Station.id == station_id))
    return (await session.scalars(stmt)).one_or_none()
