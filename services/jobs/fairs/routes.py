"""Fair routes: public listing and reads, staff scheduling, citizens' registrations."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter, Response

from common.auth import CitizenDep
from common.clock import ClockDep
from common.db import SessionDep
from common.districts import District
from common.idempotency import IdempotencyDep
from common.lifecycle import IllegalTransition
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from services.jobs.deps import Id, StaffDep
from services.jobs.fairs import registrations, service
from services.jobs.fairs.errors import (
    AlreadyRegistered,
    CapacityBelowRegistered,
    FairFull,
    FairNotFound,
    InvalidFairTimes,
    RegistrationClosed,
    RegistrationNotFound,
)
from services.jobs.fairs.repository import FairFilter
from services.jobs.fairs.schemas import FairCreate, FairRead, FairRegistrationRead, FairUpdate

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])
NOT_FOUND = problem_responses(FairNotFound)
STAFF_WRITE = problem_responses(400, 401, 403, InvalidFairTimes)


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
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    filters = FairFilter(when=when.value if when else None, district=district)
    page = await service.list_fairs(
        reader, filters=filters, limit=limit, cursor=cursor, codec=codec, now=clock.now()
    )
    return model_response(page)


@router.get(
    "/fairs/{fair_id}",
    summary="One job fair with its employers and positions",
    response_model=FairRead,
    responses=NOT_FOUND,
)
async def get_fair(fair_id: Id, reader: ReaderDep, clock: ClockDep) -> Response:
    return model_response(await service.get_fair(reader, fair_id=fair_id, now=clock.now()))


@router.post(
    "/fairs",
    status_code=201,
    summary="Schedule a job fair (staff)",
    response_model=FairRead,
    responses=STAFF_WRITE,
)
async def create_fair(
    body: FairCreate, session: SessionDep, staff: StaffDep, idem: IdempotencyDep, clock: ClockDep
) -> Response:
    return await idem.run(
        staff.sub, lambda: service.create_fair(session, body=body, now=clock.now())
    )


@router.patch(
    "/fairs/{fair_id}",
    summary="Change a job fair (staff)",
    response_model=FairRead,
    responses={**STAFF_WRITE, **NOT_FOUND, **problem_responses(CapacityBelowRegistered)},
)
async def update_fair(
    fair_id: Id, body: FairUpdate, session: SessionDep, _: StaffDep, clock: ClockDep
) -> Response:
    updated = await service.update_fair(session, fair_id=fair_id, body=body, now=clock.now())
    return model_response(updated)


@router.post(
    "/fairs/{fair_id}/registrations",
    status_code=201,
    summary="Register for a job fair",
    description="A seat while one is free and the fair has not started; one per citizen and "
    "fair. A full fair is `409 fair_full`.",
    response_model=FairRegistrationRead,
    responses=problem_responses(
        400, 401, 403, FairNotFound, FairFull, AlreadyRegistered, RegistrationClosed
    ),
)
async def register(
    fair_id: Id, session: SessionDep, citizen: CitizenDep, idem: IdempotencyDep, clock: ClockDep
) -> Response:
    return await idem.run(
        citizen.sub,
        lambda: registrations.register(session, citizen=citizen, fair_id=fair_id, now=clock.now()),
    )


@router.get(
    "/fair-registrations",
    summary="Your fair registrations, newest first",
    response_model=Page[FairRegistrationRead],
)
async def list_registrations(
    reader: ReaderDep,
    citizen: CitizenDep,
    codec: CursorCodecDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await registrations.list_registrations(
        reader, citizen=citizen, limit=limit, cursor=cursor, codec=codec
    )
    return model_response(page)


@router.get(
    "/fair-registrations/{registration_id}",
    summary="One of your fair registrations",
    response_model=FairRegistrationRead,
    responses=problem_responses(RegistrationNotFound),
)
async def get_registration(registration_id: Id, reader: ReaderDep, citizen: CitizenDep) -> Response:
    found = await registrations.get_registration(
        reader, citizen=citizen, registration_id=registration_id
    )
    return model_response(found)


@router.post(
    "/fair-registrations/{registration_id}/cancel",
    summary="Cancel your registration; the seat returns",
    response_model=FairRegistrationRead,
    responses=problem_responses(
        401, 403, RegistrationNotFound, IllegalTransition, RegistrationClosed
    ),
)
async def cancel(
    registration_id: Id, session: SessionDep, citizen: CitizenDep, clock: ClockDep
) -> Response:
    result = await registrations.cancel(
        session, citizen=citizen, registration_id=registration_id, now=clock.now()
    )
    return model_response(result)
