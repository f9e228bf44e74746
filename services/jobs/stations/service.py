"""Jobs rules. Routes call these; they raise domain errors that become problem+json.

Functions that depend on the clock take `now` (an aware datetime) so callers and tests decide
what "now" is; the routes pass the app's clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import NotFound
from common.geo import CoordSys, Location, from_wgs84
from common.pagination import CursorCodec, Page, keyset_page
from services.jobs.models import Station
from services.jobs.stations import repository
from services.jobs.stations.hours import LocalMoment, format_minutes, is_open
from services.jobs.stations.repository import StationFilter
from services.jobs.stations.schemas import (
    HoursException,
    OpeningInterval,
    PointGeometry,
    StationFeature,
    StationFeatureCollection,
    StationProperties,
    StationRead,
)


class StationNotFound(NotFound, code="station_not_found"): ...


def station_read(
    station: Station, coord_sys: CoordSys, at: LocalMoment, *, distance_m: float | None = None
) -> StationRead:
    return StationRead(
        id=station.id,
        name=station.name,
        district=station.district,
        address=station.address,
        location=Location.of(station.lat, station.lon, coord_sys),
        amenities=station.amenities,
        opening_hours=[
            OpeningInterval(
                weekday=h.weekday, opens=format_minutes(h.opens), closes=format_minutes(h.closes)
            )
            for h in station.hours
        ],
        exceptions=[
            HoursException(
                date=e.on_date,
                closed=e.closed,
                opens=None if e.opens is None else format_minutes(e.opens),
                closes=None if e.closes is None else format_minutes(e.closes),
                note=e.note,
            )
            for e in station.exceptions
            if e.on_date >= at.on_date  # past exceptions no longer tell a traveller anything
        ],
        operator=station.operator,
        operator_kind=station.operator_kind,
        phone=station.phone,
        open_now=is_open(station.hours, station.exceptions, at),
        distance_m=None if distance_m is None else round(distance_m, 1),
    )


async def search_stations(
    session: AsyncSession,
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
    rows = await repository.search_stations(session, filters, at=at, limit=limit + 1, after=after)
    return keyset_page(
        rows,
        limit=limit,
        codec=codec,
        scope=scope,
        shape=lambda s, d: station_read(s, coord_sys, at, distance_m=d),
    )


async def get_station(
    session: AsyncSession, *, station_id: int, coord_sys: CoordSys, now: datetime
) -> StationRead:
    station = await repository.get_station(session, station_id)
    if station is None:
        raise StationNotFound(f"Red Bee Station {station_id} does not exist.")
    return station_read(station, coord_sys, LocalMoment.of(now))


async def station_layer(
    session: AsyncSession, *, filters: StationFilter, coord_sys: CoordSys, now: datetime
) -> StationFeatureCollection:
    """Every matching station as GeoJSON points in `coord_sys`, for a map app to draw."""
    at = LocalMoment.of(now)
    features = []
    for s in await repository.all_stations(session, filters, at=at):
        lat, lon = from_wgs84(s.lat, s.lon, coord_sys)
        features.append(
            StationFeature(
                id=s.id,
                geometry=PointGeometry(coordinates=(round(lon, 7), round(lat, 7))),
                properties=StationProperties(
                    id=s.id,
                    name=s.name,
                    district=s.district,
                    address=s.address,
                    amenities=s.amenities,
                    operator=s.operator,
                    open_now=is_open(s.hours, s.exceptions, at),
                ),
            )
        )
    return StationFeatureCollection(coord_sys=coord_sys, features=features)
