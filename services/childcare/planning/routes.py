"""Routes for childcare statistics, district populations and capacity plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from common.auth import Principal, Role, require_roles
from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from services.childcare.planning import service as planning
from services.childcare.planning.schemas import (
    ChildcareStats,
    DistrictPopulationRead,
    PlanList,
    PlanProjectRead,
    PlanProjectUpdate,
    PlanRead,
    PopulationUpdate,
)

router = APIRouter(prefix="/childcare/v1", tags=["childcare statistics and plans"])
StaffDep = Annotated[Principal, require_roles(Role.childcare_staff)]


@router.get("/stats", summary="Institutions and slots by kind and district, per 1,000 residents")
async def get_stats(session: SessionDep) -> ChildcareStats:
    return await planning.statistics(session)


@router.put(
    "/districts/{district}/population",
    summary="Update a district's resident population (reference data for slots per 1,000)",
    description=(
        "Staff (`childcare_staff`) set the number of residents of one 旗县区 and where the figure "
        "comes from; `GET /childcare/v1/stats` uses it at once for the district's and the city's "
        "slots per 1,000 residents. `district` is the Chinese name (`新城区`, URL-encoded) or its "
        "API name (`xincheng`); an unknown district is `404 district_not_found`. `population` "
        "is a positive integer (at most 100,000,000), `source` 1–200 characters."
    ),
    responses={404: {"description": "Unknown district (`district_not_found`)"}},
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
) -> DistrictPopulationRead:
    return await planning.set_population(session, district=district, update=body)


@router.get("/plans", summary="Capacity plans and their progress")
async def list_plans(session: SessionDep) -> PlanList:
    return PlanList(items=await planning.list_plans(session))


@router.get(
    "/plans/{year}",
    summary="One capacity plan with its projects",
    responses={404: {"description": "No plan for that year (`plan_not_found`)"}},
)
async def get_plan(
    year: Annotated[int, Path(ge=2000, le=2100)],
    session: SessionDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> PlanRead:
    return await planning.get_plan(session, year=year, coord_sys=coord_sys)


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
    responses={404: {"description": "Unknown project (`plan_project_not_found`)"}},
)
async def patch_project(
    project_id: Annotated[int, Path(ge=1, le=2**62)],
    body: PlanProjectUpdate,
    session: SessionDep,
    _: StaffDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> PlanProjectRead:
    return await planning.advance_project(
        session, project_id=project_id, update=body, coord_sys=coord_sys
    )
