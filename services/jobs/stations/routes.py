"""Red Bee Station routes: public search, one station and the GeoJSON layer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.clock import ClockDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import NearDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep, model_response
from services.jobs.deps import Id
from services.jobs.stations import service
from services.jobs.stations.errors import StationNotFound
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


@router.get(
    "/stations", summary="Search Red Bee Stations (红蜂驿站)", response_model=Page[StationRead]
)
async def list_stations(
    reader: ReaderDep,
    clock: ClockDep,
    near: NearDep,
    codec: CursorCodecDep,
    district: District | None = None,
    amenity: AmenityQuery = None,
    open_now: OpenNowQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    filters = StationFilter(
        district=district, amenities=_amenities(amenity), open_now=open_now, near=near.near
    )
    page = await service.search_stations(
        reader,
        filters=filters,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=codec,
        now=clock.now(),
    )
    return model_response(page)


@router.get(
    "/stations.geojson",
    summary="All Red Bee Stations as a GeoJSON layer",
    response_model=StationFeatureCollection,
)
async def station_layer(
    reader: ReaderDep,
    clock: ClockDep,
    district: District | None = None,
    amenity: AmenityQuery = None,
    open_now: OpenNowQuery = None,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    filters = StationFilter(district=district, amenities=_amenities(amenity), open_now=open_now)
    layer = await service.station_layer(
        reader, filters=filters, coord_sys=coord_sys, now=clock.now()
    )
    return model_response(layer)


@router.get(
    "/stations/{station_id}",
    summary="One Red Bee Station",
    response_model=StationRead,
    responses=problem_responses(StationNotFound),
)
async def get_station(
    station_id: Id,
    reader: ReaderDep,
    clock: ClockDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    station = await service.get_station(
        reader, station_id=station_id, coord_sys=coord_sys, now=clock.now()
    )
    return model_response(station)
