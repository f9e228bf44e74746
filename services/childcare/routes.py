"""Childcare HTTP routes: parse, call the service, shape the response."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from common.auth import CitizenDep, OptionalPrincipalDep, Principal, Role, require_roles
from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import NearDep
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page
from services.childcare import service
from services.childcare.repository import InstitutionFilter
from services.childcare.schemas import (
    ChildCreate,
    ChildRead,
    EnrollmentCreate,
    EnrollmentRead,
    InstitutionCreate,
    InstitutionKind,
    InstitutionRead,
    InstitutionUpdate,
    MeSummary,
    Roster,
)

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])
StaffDep = Annotated[Principal, require_roles(Role.childcare_staff)]
Id = Annotated[int, Path(ge=1, le=2**62)]
MAX_FEN = 2**31 - 1


def _offer_ttl(request: Request) -> timedelta:
    return timedelta(hours=request.app.state.settings.offer_ttl_hours)


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
        offer_ttl=_offer_ttl(request),
    )


@router.get(
    "/institutions/{institution_id}/roster",
    summary="Enrolled, offered and waitlisted children (staff; audited)",
)
async def get_roster(
    request: Request, institution_id: Id, session: SessionDep, staff: StaffDep
) -> Roster:
    return await service.institution_roster(
        session,
        institution_id=institution_id,
        staff=staff,
        request_id=request.state.request_id,
        offer_ttl=_offer_ttl(request),
    )


@router.post("/children", status_code=201, summary="Register your child")
async def register_child(
    request: Request,
    body: ChildCreate,
    session: SessionDep,
    guardian: CitizenDep,
    idem: IdempotencyDep,
) -> ChildRead:
    key = request.app.state.settings.id_hash_key
    response: JSONResponse = await idem.run(
        guardian.sub,
        lambda: service.register_child(session, guardian=guardian, body=body, id_hash_key=key),
    )
    return response  # type: ignore[return-value]


@router.get("/children", summary="Your children")
async def list_children(
    request: Request,
    session: SessionDep,
    guardian: CitizenDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[ChildRead]:
    return await service.list_children(
        session, guardian=guardian, limit=limit, cursor=cursor, codec=request.app.state.cursor_codec
    )


@router.get("/children/{child_id}", summary="One of your children")
async def get_child(child_id: Id, session: SessionDep, guardian: CitizenDep) -> ChildRead:
    return await service.get_child(session, guardian=guardian, child_id=child_id)


@router.post(
    "/enrollments",
    status_code=201,
    summary="Apply for a place: enrolled while one is free, else waitlisted (FIFO)",
)
async def apply(
    request: Request,
    body: EnrollmentCreate,
    session: SessionDep,
    guardian: CitizenDep,
    idem: IdempotencyDep,
) -> EnrollmentRead:
    ttl = _offer_ttl(request)
    response: JSONResponse = await idem.run(
        guardian.sub, lambda: service.apply(session, guardian=guardian, body=body, offer_ttl=ttl)
    )
    return response  # type: ignore[return-value]


@router.get(
    "/enrollments", summary="Your enrollments with current waitlist positions, newest first"
)
async def list_enrollments(
    request: Request,
    session: SessionDep,
    guardian: CitizenDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[EnrollmentRead]:
    return await service.list_enrollments(
        session, guardian=guardian, limit=limit, cursor=cursor, codec=request.app.state.cursor_codec
    )


@router.get("/enrollments/{enrollment_id}", summary="One of your enrollments")
async def get_enrollment(
    enrollment_id: Id, session: SessionDep, guardian: CitizenDep
) -> EnrollmentRead:
    return await service.get_enrollment(session, guardian=guardian, enrollment_id=enrollment_id)


@router.post("/enrollments/{enrollment_id}/accept", summary="Accept an offered place")
async def accept(
    request: Request, enrollment_id: Id, session: SessionDep, guardian: CitizenDep
) -> EnrollmentRead:
    return await service.accept(
        session, guardian=guardian, enrollment_id=enrollment_id, offer_ttl=_offer_ttl(request)
    )


@router.post("/enrollments/{enrollment_id}/decline", summary="Decline an offered place")
async def decline(
    request: Request, enrollment_id: Id, session: SessionDep, guardian: CitizenDep
) -> EnrollmentRead:
    return await service.decline(
        session, guardian=guardian, enrollment_id=enrollment_id, offer_ttl=_offer_ttl(request)
    )


@router.post(
    "/enrollments/{enrollment_id}/withdraw", summary="Withdraw an application or give up a place"
)
async def withdraw(
    request: Request, enrollment_id: Id, session: SessionDep, guardian: CitizenDep
) -> EnrollmentRead:
    return await service.withdraw(
        session, guardian=guardian, enrollment_id=enrollment_id, offer_ttl=_offer_ttl(request)
    )


@router.get("/me/summary", summary="Your children and enrollments (for the citizen view)")
async def me_summary(request: Request, session: SessionDep, guardian: CitizenDep) -> MeSummary:
    return await service.me_summary(
        session, guardian=guardian, codec=request.app.state.cursor_codec
    )
