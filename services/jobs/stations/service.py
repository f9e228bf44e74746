"""Station rules: search (nearby, amenities, open now), one station and the map layer for
readers; staff create and edit stations with their hours (a location inside its district, a
schedule with one answer to "open now").

"Now" is the request's clock, read as the city's local time (`hours.LocalMoment`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.db import load
from common.districts import ensure_in_district
from common.geo import CoordSys, to_wgs84
from common.opening_hours import OpeningIntervalIn
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.models import Station
from services.jobs.stations import repository
from services.jobs.stations.errors import StationNotFound
from services.jobs.stations.hours import ExceptionRow, LocalMoment, exception_rows, weekly_rows
from services.jobs.stations.repository import StationFilter
from services.jobs.stations.schemas import (
    Amenity,
    HoursExceptionIn,
    StationCreate,
    StationFeature,
    StationFeatureCollection,
    StationRead,
    StationUpdate,
)


async def search_stations(
    reader: Reader,
    *,
    filters: StationFilter,
    near: tuple[float, float, int] | None,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    clock: Clock,
) -> Page[StationRead]:
    """One page of stations, nearest first when a centre is given."""
    async with reader.connection() as conn:
        return await repository.SEARCH.page(
            conn,
            filters,
            near=near,
            params=repository.moment_params(LocalMoment.of(clock.now())),
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope=repr((filters, near)),
            shape=lambda hit: StationRead.of(hit, coord_sys, distance_m=hit.distance_m),
        )


async def get_station(
    reader: Reader, *, station_id: int, coord_sys: CoordSys, clock: Clock
) -> StationRead:
    moment = repository.moment_params(LocalMoment.of(clock.now()))
    row = await reader.one(repository.GET, StationNotFound, id=station_id, **moment)
    return StationRead.of(row, coord_sys)


async def station_layer(
    reader: Reader, *, filters: StationFilter, coord_sys: CoordSys, clock: Clock
) -> StationFeatureCollection:
    """Every matching station as GeoJSON points in `coord_sys`, for a map app to draw."""
    moment = repository.moment_params(LocalMoment.of(clock.now()))
    async with reader.connection() as conn:
        rows = await repository.LAYER.rows(conn, filters, params=moment)
    return StationFeatureCollection(
        coord_sys=coord_sys, features=[StationFeature.of(r, coord_sys) for r in rows]
    )


# --- staff edits ---------------------------------------------------------------------------


def _schedule(
    hours: list[OpeningIntervalIn] | None, exceptions: list[HoursExceptionIn] | None
) -> tuple[list[tuple[int, int, int]] | None, list[ExceptionRow] | None]:
    weekly = None if hours is None else weekly_rows((h.weekday, h.opens, h.closes) for h in hours)
    dated = (
        None
        if exceptions is None
        else exception_rows((e.date, e.closed, e.opens, e.closes, e.note) for e in exceptions)
    )
    return weekly, dated


def _values(
    body: StationCreate | StationUpdate, changes: dict[str, Any], coord_sys: CoordSys
) -> dict[str, Any]:
    skip = ("location", "coord_sys", "opening_hours", "exceptions")
    values = {k: v for k, v in changes.items() if k not in skip}
    if changes.get("location") is not None and body.location is not None:
        values["lat"], values["lon"] = to_wgs84(body.location.lat, body.location.lon, coord_sys)
    if values.get("amenities") is not None:
        # a set, in the catalogue's order, so the GIN `@>` filter and the answer agree
        values["amenities"] = [a.value for a in Amenity if a in set(values["amenities"])]
    for key in ("district", "operator_kind"):
        if values.get(key) is not None:
            values[key] = values[key].value
    return values


async def create_station(
    session: AsyncSession, *, body: StationCreate, coord_sys: CoordSys, clock: Clock
) -> StationRead:
    weekly, dated = _schedule(body.opening_hours, body.exceptions)
    values = _values(body, body.model_dump(exclude={"coord_sys"}), coord_sys)
    ensure_in_district(values["district"], values["lat"], values["lon"])
    station = Station(**values)
    session.add(station)
    await session.flush()
    await repository.replace_hours(session, station.id, weekly or [])
    await repository.replace_exceptions(session, station.id, dated or [])
    return await _answer(session, station.id, coord_sys, clock)


async def update_station(
    session: AsyncSession,
    *,
    station_id: int,
    body: StationUpdate,
    coord_sys: CoordSys,
    clock: Clock,
) -> StationRead:
    station = await load(session, Station, station_id, StationNotFound, lock=True)
    changes = body.changes()
    weekly, dated = _schedule(body.opening_hours, body.exceptions)
    values = _values(body, changes, coord_sys)
    ensure_in_district(
        values.get("district", station.district),
        values.get("lat", station.lat),
        values.get("lon", station.lon),
    )
    for key, value in values.items():
        setattr(station, key, value)
    await session.flush()
    if weekly is not None:
        await repository.replace_hours(session, station.id, weekly)
    if dated is not None:
        await repository.replace_exceptions(session, station.id, dated)
    return await _answer(session, station.id, coord_sys, clock)


async def _answer(
    session: AsyncSession, station_id: int, coord_sys: CoordSys, clock: Clock
) -> StationRead:
    """The station as a read shows it, read inside the writing transaction."""
    moment = repository.moment_params(LocalMoment.of(clock.now()))
    row = await repository.GET.one_in(session, StationNotFound, id=station_id, **moment)
    return StationRead.of(row, coord_sys)
