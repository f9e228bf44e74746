"""Facility, community and 15-minute-circle routes: public reads on the read path."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.clock import ClockDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery, to_wgs84
from common.geo_query import NearDep
from common.opening_hours import LocalMoment
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.search import search_param
from common.validation import MAX_ID, Id
from services.eldercare.config import SettingsDep
from services.eldercare.facilities import circle, service
from services.eldercare.facilities.errors import CommunityNotFound, FacilityNotFound
from services.eldercare.facilities.repository import CommunityFilter, FacilityFilter
from services.eldercare.facilities.schemas import (
    Circle,
    CommunityRead,
    FacilityKind,
    FacilityRead,
)

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare facilities and the 15-minute circle"])

MinutesQuery = Annotated[
    int, Query(ge=1, le=60, description="Minutes on foot (the circle's size), 1–60.")
]
PerKindQuery = Annotated[
    int, Query(ge=1, le=50, description="At most this many facilities of each kind, nearest.")
]


@router.get(
    "/facilities",
    summary="Search eldercare facilities (nearby, by kind, district or community)",
    response_model=Page[FacilityRead],
)
async def list_facilities(
    reader: ReaderDep,
    near: NearDep,
    codec: CursorCodecDep,
    clock: ClockDep,
    kind: FacilityKind | None = None,
    district: District | None = None,
    community: Annotated[
        str | None, Query(min_length=1, max_length=100, description="A community's name.")
    ] = None,
    community_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    q: Annotated[str | None, search_param("the facility's name")] = None,
    open_now: Annotated[
        bool | None,
        Query(
            description="`true`: open at the time of the request (Asia/Shanghai), by "
            "`weekly_hours`; `false`: not open then. Facilities without `weekly_hours` match "
            "neither."
        ),
    ] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    at = LocalMoment.of(clock.now())
    filters = FacilityFilter(
        kind=kind,
        district=district,
        community=community,
        community_id=community_id,
        open_at=at.week_minute if open_now is True else None,
        closed_at=at.week_minute if open_now is False else None,
        q=q,
    )
    page = await service.search_facilities(
        reader,
        filters=filters,
        near=near.near,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=codec,
        at=at,
    )
    return model_response(page)


@router.get(
    "/facilities/{facility_id}",
    summary="One eldercare facility",
    response_model=FacilityRead,
    responses=problem_responses(FacilityNotFound),
)
async def get_facility(
    facility_id: Id, reader: ReaderDep, clock: ClockDep, coord_sys: CoordSysQuery = CoordSys.wgs84
) -> Response:
    facility = await service.get_facility(
        reader, facility_id=facility_id, coord_sys=coord_sys, at=LocalMoment.of(clock.now())
    )
    return model_response(facility)


@router.get(
    "/communities",
    summary="Communities (社区) with their awards and programmes (nearby or by district)",
    response_model=Page[CommunityRead],
)
async def list_communities(
    reader: ReaderDep,
    near: NearDep,
    codec: CursorCodecDep,
    district: District | None = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await service.search_communities(
        reader,
        filters=CommunityFilter(district=district),
        near=near.near,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=codec,
    )
    return model_response(page)


@router.get(
    "/communities/{community_id}",
    summary="One community",
    response_model=CommunityRead,
    responses=problem_responses(CommunityNotFound),
)
async def get_community(
    community_id: Id, reader: ReaderDep, coord_sys: CoordSysQuery = CoordSys.wgs84
) -> Response:
    return model_response(
        await service.get_community(reader, community_id=community_id, coord_sys=coord_sys)
    )


@router.get(
    "/communities/{community_id}/circle",
    summary="A community's 15-minute circle: what its elders reach on foot, and its gaps",
    response_model=Circle,
    responses=problem_responses(CommunityNotFound),
)
async def get_community_circle(
    community_id: Id,
    reader: ReaderDep,
    settings: SettingsDep,
    minutes: MinutesQuery = 15,
    per_kind: PerKindQuery = 5,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    result = await circle.community_circle(
        reader,
        community_id=community_id,
        minutes=minutes,
        per_kind=per_kind,
        settings=settings,
        coord_sys=coord_sys,
    )
    return model_response(result)


@router.get(
    "/circle",
    summary="The 15-minute circle around a point: facilities within walking time, by kind",
    description=(
        "Every facility an elder reaches on foot from (`lat`, `lon`) in `minutes`, grouped by "
        "kind with the walk time of each, and the essential kinds missing. The walking model "
        "(elder walking speed, detour factor) is in the answer's `walking`; `coord_sys` applies "
        "to the point sent and the locations returned."
    ),
    response_model=Circle,
)
async def get_circle(
    reader: ReaderDep,
    settings: SettingsDep,
    lat: Annotated[float, Query(ge=-90, le=90, description="Latitude of the home.")],
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude of the home.")],
    minutes: MinutesQuery = 15,
    per_kind: PerKindQuery = 5,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    wlat, wlon = to_wgs84(lat, lon, coord_sys)
    result = await circle.circle_at(
        reader,
        lat=wlat,
        lon=wlon,
        minutes=minutes,
        per_kind=per_kind,
        settings=settings,
        coord_sys=coord_sys,
    )
    return model_response(result)
