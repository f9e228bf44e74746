"""Fair routes: public listing and reads, staff scheduling, citizens' registrations."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter, Response

from common.clock import ClockDep
from common.db import SessionDep
from common.districts import District, LocationOutsideDistrict
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import ConflictingCoordSys, OptionalCoordSysQuery, one_coord_sys
from common.idempotency import IdempotencyDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import Id
from services.jobs.deps import StaffDep
from services.jobs.fairs import service
from services.jobs.fairs.errors import (
    CapacityBelowRegistered,
    FairNotFound,
    InvalidFairTimes,
)
from services.jobs.fairs.schemas import FairCreate, FairRead, FairUpdate

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])
NOT_FOUND = problem_responses(FairNotFound)
STAFF_WRITE = problem_responses(
    400, 401, 403, InvalidFairTimes, LocationOutsideDistrict, ConflictingCoordSys
)


class FairWhen(StrEnum):
    upcoming = "upcoming"
    past = "past"


@router.get(
    "/fairs",
    summary="Job fairs, soonest first",
    description="`when=upcoming`: not over yet (registration is open until the start); "
    "`when=past`: over.",
    response_model=Page[FairRead],
)
async def list_fairs(
    reader: ReaderDep,
    clock: ClockDep,
    codec: CursorCodecDep,
    when: FairWhen | None = None,
    district: District | None = None,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await service.list_fairs(
        reader,
        when=when.value if when else None,
        district=district,
        limit=limit,
        cursor=cursor,
        codec=codec,
        clock=clock,
        coord_sys=coord_sys,
    )
    return model_response(page)


@router.get(
    "/fairs/{fair_id}",
    summary="One job fair with its employers and positions",
    response_model=FairRead,
    responses=NOT_FOUND,
)
async def get_fair(
    fair_id: Id, reader: ReaderDep, clock: ClockDep, coord_sys: CoordSysQuery = CoordSys.wgs84
) -> Response:
    fair = await service.get_fair(reader, fair_id=fair_id, clock=clock, coord_sys=coord_sys)
    return model_response(fair)


@router.post(
    "/fairs",
    status_code=201,
    summary="Schedule a job fair (staff)",
    response_model=FairRead,
    responses=STAFF_WRITE,
)
async def create_fair(
    body: FairCreate,
    session: SessionDep,
    staff: StaffDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    system = one_coord_sys(coord_sys, body.coord_sys)
    return await idem.run(
        staff.sub,
        lambda: service.create_fair(session, body=body, coord_sys=system, clock=clock),
    )


@router.patch(
    "/fairs/{fair_id}",
    summary="Change a job fair (staff)",
    response_model=FairRead,
    responses={**STAFF_WRITE, **NOT_FOUND, **problem_responses(CapacityBelowRegistered)},
)
async def update_fair(
    fair_id: Id,
    body: FairUpdate,
    session: SessionDep,
    _: StaffDep,
    clock: ClockDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    updated = await service.update_fair(
        session,
        fair_id=fair_id,
        body=body,
        coord_sys=one_coord_sys(coord_sys, body.coord_sys),
        clock=clock,
    )
    return model_response(updated)
