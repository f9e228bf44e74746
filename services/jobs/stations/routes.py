"""Jobs HTTP routes: parse, call the service, shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from common.clock import ClockDep
from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import NearDep
from common.pagination import CursorQuery, LimitQuery, Page
from common.validation import MAX_ID
from services.jobs.stations import service
from services.jobs.stations.repository import StationFilter
from services.jobs.stations.schemas import Amenity, StationFeatureCollection, StationRead

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])

AmenityQuery = Annotated[
    list[Amenity] | None,
    Query(description="Repeatable; a station must offer every amenity given."),
]
OpenNowQuery = Annotated[
    bool | None,
    Query(description="true: open now (Asia/Shanghai time); false: closed now."),
]


def _amenities(amenity: list[Amenity] | None) -> tuple[str, ...]:
    # sorted and de-duplicated, so the same filter always has the same cursor scope
    return tuple(sorted({a.value for a in amenity or ()}))


@router.get("/stations", summary="Search Red Bee Stations (红蜂驿站)")
async def list_stations(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    near: NearDep,
    district: District | None = None,
    amenity: AmenityQuery = None,
    open_now: OpenNowQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[StationRead]:
    filters = StationFilter(
        district=district, amenities=_amenities(amenity), open_now=open_now, near=near.near
    )
    return await service.search_stations(
        session,
        filters=filters,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=request.app.state.cursor_codec,
        now=clock.now(),
    )


@router.get("/stations.geojson", summary="All Red Bee Stations as a GeoJSON layer")
async def station_layer(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    district: District | None = None,
    amenity: AmenityQuery = None,
    open_now: OpenNowQuery = None,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> StationFeatureCollection:
    filters = StationFilter(district=district, amenities=_amenities(amenity), open_now=open_now)
    return await service.station_layer(
        session, filters=filters, coord_sys=coord_sys, now=clock.now()
    )


@router.get("/stations/{station_id}", summary="One Red Bee Station")
async def get_station(
    station_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    clock: ClockDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> StationRead:
    return await service.get_station(
        session, station_id=station_id, coord_sys=coord_sys, now=clock.now()
    )
