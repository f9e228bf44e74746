"""Fair registration routes: a citizen registers for a fair, lists, reads and cancels their
registrations."""

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
from services.jobs.fairs import registrations
from services.jobs.fairs.errors import (
    AlreadyRegistered,
    FairFull,
    FairNotFound,
    RegistrationClosed,
    RegistrationNotFound,
)
from services.jobs.fairs.schemas import FairRegistrationRead

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])


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
    name="register_for_fair",
)
async def register(
    fair_id: Id, session: SessionDep, citizen: CitizenDep, idem: IdempotencyDep, clock: ClockDep
) -> Response:
    return await idem.run(
        citizen.sub,
        lambda: registrations.register(session, citizen=citizen, fair_id=fair_id, clock=clock),
    )


@router.get(
    "/fair-registrations",
    summary="Your fair registrations, newest first",
    response_model=Page[FairRegistrationRead],
    name="list_fair_registrations",
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
    name="get_fair_registration",
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
    name="cancel_fair_registration",
)
async def cancel(
    registration_id: Id, session: SessionDep, citizen: CitizenDep, clock: ClockDep
) -> Response:
    result = await registrations.cancel(
        session, citizen=citizen, registration_id=registration_id, clock=clock
    )
    return model_response(result)
