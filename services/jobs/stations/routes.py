"""Red Bee Station routes: public search, one station, the GeoJSON layer and usage; staff
create and update; anonymous check-ins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.auth import OptionalPrincipalDep
from common.clock import ClockDep
from common.db import SessionDep
from common.districts import District, LocationOutsideDistrict
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import ConflictingCoordSys, NearDep, OptionalCoordSysQuery, one_coord_sys
from common.idempotency import IdempotencyDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import Id
from services.jobs.deps import StaffDep
from services.jobs.stations import service, usage
from services.jobs.stations.errors import InvalidException, InvalidHours, StationNotFound
from services.jobs.stations.repository import StationFilter
from services.jobs.stations.schemas import (
    Amenity,
    CheckInCreate,
    CheckInRead,
    StationCreate,
    StationFeatureCollection,
    StationRead,
    StationUpdate,
    StationUsage,
)

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])
NOT_FOUND = problem_responses(StationNotFound)
STAFF_WRITE = problem_responses(
    400,
    401,
    403,
    InvalidHours,
    InvalidException,
    LocationOutsideDistrict,
    ConflictingCoordSys,
)
ANONYMOUS = "anonymous"

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
    filters = StationFilter(district=district, amenities=_amenities(amenity), open_now=open_now)
    page = await service.search_stations(
        reader,
        filters=filters,
        near=near.near,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=codec,
        clock=clock,
    )
    return model_response(page)


@router.get(
    "/stations.geojson",
    summary="All Red Bee Stations as a GeoJSON layer",
    response_model=StationFeatureCollection,
    name="get_stations_geojson",
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
    layer = await service.station_layer(reader, filters=filters, coord_sys=coord_sys, clock=clock)
    return model_response(layer)


@router.get(
    "/stations/{station_id}",
    summary="One Red Bee Station",
    response_model=StationRead,
    responses=NOT_FOUND,
)
async def get_station(
    station_id: Id,
    reader: ReaderDep,
    clock: ClockDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    station = await service.get_station(
        reader, station_id=station_id, coord_sys=coord_sys, clock=clock
    )
    return model_response(station)


@router.post(
    "/stations",
    status_code=201,
    summary="Create a Red Bee Station with its hours (staff)",
    response_model=StationRead,
    responses=STAFF_WRITE,
)
async def create_station(
    body: StationCreate,
    session: SessionDep,
    staff: StaffDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    system = one_coord_sys(coord_sys, body.coord_sys)
    return await idem.run(
        staff.sub,
        lambda: service.create_station(session, body=body, coord_sys=system, clock=clock),
    )


@router.patch(
    "/stations/{station_id}",
    summary="Update a station, its hours or holiday exceptions (staff)",
    response_model=StationRead,
    responses={**STAFF_WRITE, **NOT_FOUND},
)
async def update_station(
    station_id: Id,
    body: StationUpdate,
    session: SessionDep,
    _: StaffDep,
    clock: ClockDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    updated = await service.update_station(
        session,
        station_id=station_id,
        body=body,
        coord_sys=one_coord_sys(coord_sys, body.coord_sys),
        clock=clock,
    )
    return model_response(updated)


@router.post(
    "/stations/{station_id}/check-ins",
    status_code=201,
    summary="Check in at a station, anonymously, by worker type",
    description=(
        "No token needed and no person recorded: only the station, the worker type and the "
        "time. The gateway rate-limits anonymous callers."
    ),
    response_model=CheckInRead,
    responses=problem_responses(400, StationNotFound),
)
async def check_in(
    station_id: Id,
    body: CheckInCreate,
    session: SessionDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    viewer: OptionalPrincipalDep,
) -> Response:
    # anonymous callers share one key space: a client sends a random (UUID) key
    caller = viewer.sub if viewer is not None else ANONYMOUS
    return await idem.run(
        caller,
        lambda: usage.check_in(session, station_id=station_id, body=body, clock=clock),
    )


@router.get(
    "/stations/{station_id}/usage",
    summary="How a station is used: check-ins by worker type",
    response_model=StationUsage,
    responses=NOT_FOUND,
    name="get_station_usage",
)
async def station_usage(station_id: Id, reader: ReaderDep, clock: ClockDep) -> Response:
    result = await usage.station_usage(reader, station_id=station_id, clock=clock)
    return model_response(result)
