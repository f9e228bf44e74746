"""Eldercare HTTP routes: parse, call the service, shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import NearDep
from common.pagination import CursorQuery, LimitQuery, Page
from common.validation import MAX_ID
from services.eldercare.facilities import service
from services.eldercare.facilities.repository import FacilityFilter
from services.eldercare.facilities.schemas import FacilityKind, FacilityRead

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare"])


@router.get("/facilities", summary="Search eldercare facilities near home")
async def list_facilities(
    request: Request,
    session: SessionDep,
    near: NearDep,
    kind: FacilityKind | None = None,
    district: District | None = None,
    community: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[FacilityRead]:
    filters = FacilityFilter(kind=kind, district=district, community=community, near=near.near)
    return await service.search_facilities(
        session,
        filters=filters,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=request.app.state.cursor_codec,
    )


@router.get("/facilities/{facility_id}", summary="One eldercare facility")
async def get_facility(
    facility_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> FacilityRead:
    return await service.get_facility(session, facility_id=facility_id, coord_sys=coord_sys)
