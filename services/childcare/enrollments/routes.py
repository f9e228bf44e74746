"""Enrollment routes: apply, a guardian's enrollments and moves, the staff roster, the summary."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from common.auth import CitizenDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page
from services.childcare.deps import Id, StaffDep, offer_ttl
from services.childcare.enrollments import roster, service
from services.childcare.enrollments.schemas import (
    EnrollmentCreate,
    EnrollmentRead,
    MeSummary,
    Roster,
)

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])


@router.get(
    "/institutions/{institution_id}/roster",
    summary="Enrolled, offered and waitlisted children (staff; audited)",
)
async def get_roster(
    request: Request, institution_id: Id, session: SessionDep, staff: StaffDep
) -> Roster:
    return await roster.institution_roster(
        session,
        institution_id=institution_id,
        staff=staff,
        request_id=request.state.request_id,
        offer_ttl=offer_ttl(request),
    )


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
    ttl = offer_ttl(request)
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
        session, guardian=guardian, enrollment_id=enrollment_id, offer_ttl=offer_ttl(request)
    )


@router.post("/enrollments/{enrollment_id}/decline", summary="Decline an offered place")
async def decline(
    request: Request, enrollment_id: Id, session: SessionDep, guardian: CitizenDep
) -> EnrollmentRead:
    return await service.decline(
        session, guardian=guardian, enrollment_id=enrollment_id, offer_ttl=offer_ttl(request)
    )


@router.post(
    "/enrollments/{enrollment_id}/withdraw", summary="Withdraw an application or give up a place"
)
async def withdraw(
    request: Request, enrollment_id: Id, session: SessionDep, guardian: CitizenDep
) -> EnrollmentRead:
    return await service.withdraw(
        session, guardian=guardian, enrollment_id=enrollment_id, offer_ttl=offer_ttl(request)
    )


@router.get("/me/summary", summary="Your children and enrollments (for the citizen view)")
async def me_summary(request: Request, session: SessionDep, guardian: CitizenDep) -> MeSummary:
    return await service.me_summary(
        session, guardian=guardian, codec=request.app.state.cursor_codec
    )
