"""Institution routes: public search and reads, staff create and update."""

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
from common.opening_hours import InvalidHours, LocalMoment
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.search import search_param
from common.validation import Id
from services.childcare.config import SettingsDep
from services.childcare.deps import StaffDep
from services.childcare.institutions import service
from services.childcare.institutions.errors import (
    CapacityBelowTaken,
    InstitutionNotFound,
    InvalidAgeRange,
)
from services.childcare.institutions.repository import InstitutionFilter
from services.childcare.institutions.schemas import (
    InstitutionCreate,
    InstitutionKind,
    InstitutionRead,
    InstitutionUpdate,
)

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])
MAX_FEN = 2**31 - 1
NOT_FOUND = problem_responses(InstitutionNotFound)
STAFF_WRITE = problem_responses(
    400,
    401,
    403,
    CapacityBelowTaken,
    InvalidAgeRange,
    LocationOutsideDistrict,
    ConflictingCoordSys,
    InvalidHours,
)


@router.get(
    "/institutions",
    summary="Search childcare institutions",
    response_model=Page[InstitutionRead],
)
async def list_institutions(
    reader: ReaderDep,
    viewer: OptionalPrincipalDep,
    near: NearDep,
    codec: CursorCodecDep,
    clock: ClockDep,
    district: District | None = None,
    kind: InstitutionKind | None = None,
    inclusive: Annotated[
        bool | None,
        Query(
            description=(
                "`true`: inclusive (普惠) institutions only — places the government supports so "
                "that their fees stay affordable; `false`: the others; absent: both."
            )
        ),
    ] = None,
    demonstration: Annotated[
        str | None,
        Query(pattern="^(regional|city|any|none)$", description="regional, city, any or none"),
    ] = None,
    has_vacancy: bool | None = None,
    age_months: Annotated[int | None, Query(ge=0, le=36, description="Accepts this age")] = None,
    max_fee_fen: Annotated[int | None, Query(ge=0, le=MAX_FEN)] = None,
    q: Annotated[str | None, search_param("the institution's name")] = None,
    open_now: Annotated[
        bool | None,
        Query(
            description="`true`: open at the time of the request (Asia/Shanghai), by "
            "`weekly_hours`; `false`: not open then. Institutions without `weekly_hours` match "
            "neither."
        ),
    ] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    at = LocalMoment.of(clock.now())
    filters = InstitutionFilter(
        district=district,
        kind=kind,
        inclusive=inclusive,
        demonstration=demonstration,
        has_vacancy=has_vacancy,
        age_months=age_months,
        max_fee_fen=max_fee_fen,
        q=q,
        open_at=at.week_minute if open_now is True else None,
        closed_at=at.week_minute if open_now is False else None,
    )
    page = await service.search_institutions(
        reader,
        filters=filters,
        near=near.near,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=codec,
        viewer=viewer,
        at=at,
    )
    return model_response(page)


@router.get(
    "/institutions/{institution_id}",
    summary="One childcare institution",
    response_model=InstitutionRead,
    responses=NOT_FOUND,
)
async def get_institution(
    institution_id: Id,
    reader: ReaderDep,
    viewer: OptionalPrincipalDep,
    clock: ClockDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    institution = await service.get_institution(
        reader,
        institution_id=institution_id,
        coord_sys=coord_sys,
        viewer=viewer,
        at=LocalMoment.of(clock.now()),
    )
    return model_response(institution)


@router.post(
    "/institutions",
    status_code=201,
    summary="Create an institution (staff)",
    response_model=InstitutionRead,
    responses=STAFF_WRITE,
)
async def create_institution(
    body: InstitutionCreate,
    session: SessionDep,
    staff: StaffDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    system = one_coord_sys(coord_sys, body.coord_sys)
    return await idem.run(
        staff.sub,
        lambda: service.create_institution(session, body=body, coord_sys=system, clock=clock),
    )


@router.patch(
    "/institutions/{institution_id}",
    summary="Update an institution (staff); a higher capacity offers places to the waitlist",
    response_model=InstitutionRead,
    responses={**STAFF_WRITE, **NOT_FOUND},
)
async def update_institution(
    institution_id: Id,
    body: InstitutionUpdate,
    session: SessionDep,
    _: StaffDep,
    clock: ClockDep,
    settings: SettingsDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    updated = await service.update_institution(
        session,
        institution_id=institution_id,
        body=body,
        coord_sys=one_coord_sys(coord_sys, body.coord_sys),
        clock=clock,
        offer_ttl=settings.offer_ttl,
    )
    return model_response(updated)
