"""Childcare HTTP routes: parse, call the service, shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from common.auth import OptionalPrincipalDep
from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import NearDep
from common.pagination import CursorQuery, LimitQuery, Page
from services.childcare import service
from services.childcare.repository import InstitutionFilter
from services.childcare.schemas import InstitutionKind, InstitutionRead

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])


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
    age_months: Annotated[int | None, Query(ge=0, le=36)] = None,
    max_fee_fen: Annotated[int | None, Query(ge=0)] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
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
    institution_id: Annotated[int, Path(ge=1, le=2**62)],
    session: SessionDep,
    viewer: OptionalPrincipalDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> InstitutionRead:
    return await service.get_institution(
        session, institution_id=institution_id, coord_sys=coord_sys, viewer=viewer
    )
