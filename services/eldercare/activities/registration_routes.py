"""Class registration routes: register oneself or a linked elder, list and cancel."""

from __future__ import annotations

from fastapi import APIRouter, Response

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
from services.eldercare.activities import reads, registrations
from services.eldercare.activities.errors import (
    ActivityCancelled,
    ActivityFull,
    ActivityNotFound,
    ActivityStarted,
    AlreadyRegistered,
    RegistrationNotFound,
)
from services.eldercare.activities.schemas import (
    RegistrationCreate,
    RegistrationRead,
)
from services.eldercare.elders.errors import ElderNotFound

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare activities and classes"])


@router.post(
    "/activities/{activity_id}/registrations",
    status_code=201,
    summary="Register yourself or a linked elder: a seat, else the waitlist (FIFO)",
    description=(
        "`status` is `registered` while a seat is free, else `waitlisted` with its "
        "`waitlist_position` while the waitlist has room, else `409 activity_full`. When "
        "someone cancels, the head of the waitlist gets the seat at once."
    ),
    response_model=RegistrationRead,
    responses=problem_responses(
        400,
        401,
        403,
        ActivityNotFound,
        ElderNotFound,
        ActivityFull,
        ActivityStarted,
        ActivityCancelled,
        AlreadyRegistered,
    ),
    name="register_for_activity",
)
async def register(
    activity_id: Id,
    body: RegistrationCreate,
    session: SessionDep,
    citizen: CitizenDep,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    return await idem.run(
        citizen.sub,
        lambda: registrations.register(
            session, principal=citizen, activity_id=activity_id, body=body, clock=clock
        ),
    )


@router.get(
    "/activity-registrations",
    summary="Your registrations, and those of elders you act for, newest first",
    response_model=Page[RegistrationRead],
    name="list_activity_registrations",
)
async def list_registrations(
    reader: ReaderDep,
    citizen: CitizenDep,
    codec: CursorCodecDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await reads.my_registrations(
        reader, principal=citizen, limit=limit, cursor=cursor, codec=codec
    )
    return model_response(page)


@router.post(
    "/activity-registrations/{registration_id}/cancel",
    summary="Cancel a registration; a freed seat goes to the head of the waitlist",
    response_model=RegistrationRead,
    responses=problem_responses(401, 403, RegistrationNotFound, IllegalTransition, ActivityStarted),
    name="cancel_activity_registration",
)
async def cancel_registration(
    registration_id: Id, session: SessionDep, citizen: CitizenDep, clock: ClockDep
) -> Response:
    result = await registrations.cancel(
        session, principal=citizen, registration_id=registration_id, clock=clock
    )
    return model_response(result)
