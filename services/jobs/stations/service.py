"""Station rules for readers: search (nearby, amenities, open now), one station, the map layer.

"Now" is the request's clock, read as the city's local time (`hours.LocalMoment`)."""

from __future__ import annotations

from datetime import datetime

from common.geo import CoordSys
from common.pagination import CursorCodec, Page, page_of_rows
from common.read import Reader
from services.jobs.stations import repository
from services.jobs.stations.errors import StationNotFound
from services.jobs.stations.hours import LocalMoment
from services.jobs.stations.repository import StationFilter
from services.jobs.stations.schemas import StationFeature, StationFeatureCollection, StationRead


async def search_stations(
    reader: Reader,
    *,
    filters: StationFilter,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    now: datetime,
) -> Page[StationRead]:
    """One page of stations, nearest first when a centre is given."""
    at = LocalMoment.of(now)
    scope = repr(filters)
    after = codec.decode(cursor, scope) if cursor else None
    async with reader.connection() as conn:
        rows = await repository.search(conn, filters, at=at, limit=limit, after=after)
    return page_of_rows(
        rows, limit=limit, codec=codec, scope=scope, shape=lambda r: StationRead.of(r, coord_sys)
    )


async def get_station(
    reader: Reader, *, station_id: int, coord_sys: CoordSys, now: datetime
) -> StationRead:
    async with reader.connection() as conn:
        row = await repository.get(conn, station_id, LocalMoment.of(now))
    if row is None:
        raise StationNotFound(f"Red Bee Station {station_id} does not exist.")
    return StationRead.of(row, coord_sys)


async def station_layer(
    reader: Reader, *, filters: StationFilter, coord_sys: CoordSys, now: datetime
) -> StationFeatureCollection:
    """Every matching station as GeoJSON points in `coord_sys`, for a map app to draw."""
    async with reader.connection() as conn:
        rows = await repository.layer(conn, filters, at=LocalMoment.of(now))
    return StationFeatureCollection(
        coord_sys=coord_sys, features=[StationFeature.of(r, coord_sys) for r in rows]
    )
