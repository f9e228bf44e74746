"""Enrollment routes: apply, a guardian's enrollments and moves, the staff roster, the summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from common.audit import AuditedDep
from common.auth import CitizenDep
from common.clock import ClockDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.lifecycle import IllegalTransition
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import Id
from services.childcare.children.errors import ChildNotFound, ChildTooOld, ChildTooYoung
from services.childcare.config import SettingsDep
from services.childcare.deps import StaffDep
from services.childcare.enrollments import reads, roster, service
from services.childcare.enrollments.errors import (
    ChildAlreadyEnrolled,
    DuplicateApplication,
    EnrollmentNotFound,
    OfferExpired,
    StartDateInPast,
)
from services.childcare.enrollments.schemas import (
    EnrollmentCreate,
    EnrollmentRead,
    Roster,
)
from services.childcare.institutions.errors import InstitutionNotFound

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])


async def guardian_act(
    session: SessionDep, guardian: CitizenDep, clock: ClockDep, settings: SettingsDep
) -> service.Act:
    return service.Act(session, guardian, clock, settings.offer_ttl)


ActDep = Annotated[service.Act, Depends(guardian_act)]
MOVE_ERRORS = problem_responses(401, 403, EnrollmentNotFound, IllegalTransition)


@router.get(
    "/institutions/{institution_id}/roster",
    summary="Enrolled, offered and waitlisted children (staff; audited)",
    response_model=Roster,
    responses=problem_responses(401, 403, InstitutionNotFound),
)
async def get_roster(
    institution_id: Id, audited: AuditedDep, staff: StaffDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    result = await roster.institution_roster(
        audited,
        institution_id=institution_id,
        staff=staff,
        clock=clock,
        offer_ttl=settings.offer_ttl,
    )
    return model_response(result)


@router.post(
    "/enrollments",
    status_code=201,
    summary="Apply for a place: enrolled while one is free, else waitlisted (FIFO)",
    response_model=EnrollmentRead,
    responses=problem_responses(
        400,
        401,
        403,
        ChildNotFound,
        InstitutionNotFound,
        ChildTooYoung,
        ChildTooOld,
        StartDateInPast,
        DuplicateApplication,
        ChildAlreadyEnrolled,
    ),
    name="apply_for_place",
)
async def apply(body: EnrollmentCreate, act: ActDep, idem: IdempotencyDep) -> Response:
    return await idem.run(act.guardian.sub, lambda: service.apply(act, body))


@router.get(
    "/enrollments",
    summary="Your enrollments with current waitlist positions, newest first",
    response_model=Page[EnrollmentRead],
)
async def list_enrollments(
    reader: ReaderDep,
    guardian: CitizenDep,
    codec: CursorCodecDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await reads.list_enrollments(
        reader, guardian=guardian, limit=limit, cursor=cursor, codec=codec
    )
    return model_response(page)


@router.get(
    "/enrollments/{enrollment_id}",
    summary="One of your enrollments",
    response_model=EnrollmentRead,
    responses=problem_responses(EnrollmentNotFound),
)
async def get_enrollment(enrollment_id: Id, reader: ReaderDep, guardian: CitizenDep) -> Response:
    enrollment = await reads.get_enrollment(reader, guardian=guardian, enrollment_id=enrollment_id)
    return model_response(enrollment)


@router.post(
    "/enrollments/{enrollment_id}/accept",
    summary="Accept an offered place",
    response_model=EnrollmentRead,
    responses={**MOVE_ERRORS, **problem_responses(OfferExpired, ChildAlreadyEnrolled)},
    name="accept_offer",
)
async def accept(enrollment_id: Id, act: ActDep) -> Response:
    return model_response(await service.accept(act, enrollment_id))


@router.post(
    "/enrollments/{enrollment_id}/decline",
    summary="Decline an offered place",
    response_model=EnrollmentRead,
    responses=MOVE_ERRORS,
    name="decline_offer",
)
async def decline(enrollment_id: Id, act: ActDep) -> Response:
    return model_response(await service.decline(act, enrollment_id))


@router.post(
    "/enrollments/{enrollment_id}/withdraw",
    summary="Withdraw an application or give up a place",
    response_model=EnrollmentRead,
    responses=MOVE_ERRORS,
    name="withdraw_enrollment",
)
async def withdraw(enrollment_id: Id, act: ActDep) -> Response:
    return model_response(await service.withdraw(act, enrollment_id))
