"""Routes for childcare statistics, district populations and capacity plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from common.clock import ClockDep
from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.lifecycle import IllegalTransition
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import MAX_ID
from services.childcare.deps import StaffDep
from services.childcare.planning import plans, service
from services.childcare.planning.errors import (
    DistrictNotFound,
    PlanNotFound,
    PlanProjectNotFound,
)
from services.childcare.planning.schemas import (
    DistrictPopulationRead,
    PlanList,
    PlanProjectRead,
    PlanProjectUpdate,
    PlanRead,
    PopulationUpdate,
)

router = APIRouter(prefix="/childcare/v1", tags=["childcare statistics and plans"])


@router.put(
    "/districts/{district}/population",
    summary="Update a district's resident population (reference data for slots per 1,000)",
    description=(
        "Staff (`childcare_staff`) set the number of residents of one 旗县区 and where the figure "
        "comes from; `GET /childcare/v1/stats` uses it at once for the district's and the city's "
        "slots per 1,000 residents. `district` is the Chinese name (`新城区`, URL-encoded) or its "
        "API name (`xincheng`); an unknown district is `404 district_not_found`. `population` "
        "is an integer from 1,000 to 10,000,000 (anything else is a typo), `source` 1–200 "
        "characters."
    ),
    response_model=DistrictPopulationRead,
    responses=problem_responses(401, 403, DistrictNotFound),
)
async def put_population(
    district: Annotated[
        str,
        Path(
            min_length=1,
            max_length=40,
            description="; ".join(f"{d.value} ({d.name})" for d in District),
        ),
    ],
    body: PopulationUpdate,
    session: SessionDep,
    _: StaffDep,
) -> Response:
    return model_response(await service.set_population(session, district=district, update=body))


@router.get("/plans", summary="Capacity plans and their progress", response_model=PlanList)
async def list_plans(reader: ReaderDep) -> Response:
    return model_response(PlanList(items=await plans.list_plans(reader)))


@router.get(
    "/plans/{year}",
    summary="One capacity plan with its projects",
    response_model=PlanRead,
    responses=problem_responses(PlanNotFound),
)
async def get_plan(
    year: Annotated[int, Path(ge=2000, le=2100)],
    reader: ReaderDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    return model_response(await plans.get_plan(reader, year=year, coord_sys=coord_sys))


@router.patch(
    "/plan-projects/{project_id}",
    summary="Move a plan project forward; `opened` creates its institution",
    description=(
        "One step at a time: `planned` → `under_construction` → `opened`; anything else "
        "(backwards, skipping, repeating) is `409 invalid_transition`. Opening creates the "
        "project's institution in the same transaction (capacity = planned slots; fee, ages, "
        "hours and phone from the body or plausible defaults) and links it as `institution_id`. "
        "The institution fields are accepted only together with `opened` "
        "(`422 institution_fields_need_opened`)."
    ),
    response_model=PlanProjectRead,
    responses=problem_responses(401, 403, PlanProjectNotFound, IllegalTransition),
    name="update_plan_project",
)
async def patch_project(
    project_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: PlanProjectUpdate,
    session: SessionDep,
    _: StaffDep,
    clock: ClockDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    project = await plans.advance_project(
        session, project_id=project_id, update=body, coord_sys=coord_sys, clock=clock
    )
    return model_response(project)
