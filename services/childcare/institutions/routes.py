"""Institution routes: public search and reads, staff create and update."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from common.auth import OptionalPrincipalDep
from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import NearDep
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page
from services.childcare.deps import Id, StaffDep, offer_ttl
from services.childcare.institutions import service
from services.childcare.institutions.repository import InstitutionFilter
from services.childcare.institutions.schemas import (
    InstitutionCreate,
    InstitutionKind,
    InstitutionRead,
    InstitutionUpdate,
)

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])


MAX_FEN = 2**31 - 1


@router.get("/institutions", summary="Search childcare institutions")
async def list_institutions(
    request: Request,
    session: SessionDep,
    viewer: OptionalPrincipalDep,
    near: NearDep,
    district: District | None = None,
    kind: InstitutionKind | None = None,
    inclusive: bool | None = None,
    demonstration: Annotated[
        str | None,
        Query(pattern="^(regional|city|any|none)$", description="regional, city, any or none"),
    ] = None,
    has_vacancy: bool | None = None,
    age_months: Annotated[int | None, Query(ge=0, le=36, description="Accepts this age")] = None,
    max_fee_fen: Annotated[int | None, Query(ge=0, le=MAX_FEN)] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=50, description="Part of the name")
    ] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[InstitutionRead]:
    filters = InstitutionFilter(
        district=district,
        kind=kind,
        inclusive=inclusive,
        demonstration=demonstration,
        has_vacancy=has_vacancy,
        age_months=age_months,
        max_fee_fen=max_fee_fen,
        q=q,
        near=near.near,
    )
    return await service.search_institutions(
        session,
        filters=filters,
        coord_sys=near.coord_sys,
        limit=limit,
        cursor=cursor,
        codec=request.app.state.cursor_codec,
        viewer=viewer,
    )


@router.get("/institutions/{institution_id}", summary="One childcare institution")
async def get_institution(
    institution_id: Id,
    session: SessionDep,
    viewer: OptionalPrincipalDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> InstitutionRead:
    return await service.get_institution(
        session, institution_id=institution_id, coord_sys=coord_sys, viewer=viewer
    )


@router.post("/institutions", status_code=201, summary="Create an institution (staff)")
async def create_institution(
    body: InstitutionCreate,
    session: SessionDep,
    staff: StaffDep,
    idem: IdempotencyDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> InstitutionRead:
    response: JSONResponse = await idem.run(
        staff.sub, lambda: service.create_institution(session, body=body, coord_sys=coord_sys)
    )
    return response  # type: ignore[return-value]


@router.patch(
    "/institutions/{institution_id}",
    summary="Update an institution (staff); a higher capacity offers places to the waitlist",
)
async def update_institution(
    request: Request,
    institution_id: Id,
    body: InstitutionUpdate,
    session: SessionDep,
    _: StaffDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> InstitutionRead:
    return await service.update_institution(
        session,
        institution_id=institution_id,
        body=body,
        coord_sys=coord_sys,
        offer_ttl=offer_ttl(request),
    )
