"""Graduate routes: register once, read and update your registration, public progress."""

from __future__ import annotations

from fastapi import APIRouter, Response

from common.auth import CitizenDep
from common.clock import ClockDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from services.jobs.graduates import service
from services.jobs.graduates.errors import (
    GraduateAlreadyRegistered,
    GraduateNotRegistered,
    GraduationDateOutOfRange,
)
from services.jobs.graduates.schemas import (
    GraduateCreate,
    GraduateRead,
    GraduateUpdate,
    RetentionProgress,
)

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])


@router.post(
    "/graduates",
    status_code=201,
    summary="Register as a graduate who stayed, returned or came (留呼 / 回呼 / 来呼)",
    description="Once per citizen: a second registration is `409 graduate_already_registered`.",
    response_model=GraduateRead,
    responses=problem_responses(400, 401, 403, GraduateAlreadyRegistered, GraduationDateOutOfRange),
    name="register_graduate",
)
async def register(
    body: GraduateCreate,
    session: SessionDep,
    citizen: CitizenDep,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    return await idem.run(
        citizen.sub,
        lambda: service.register(session, citizen=citizen, body=body, clock=clock),
    )


@router.get(
    "/graduates/me",
    summary="Your graduate registration",
    response_model=GraduateRead,
    responses=problem_responses(401, 403, GraduateNotRegistered),
    name="get_my_graduate_registration",
)
async def get_mine(reader: ReaderDep, citizen: CitizenDep) -> Response:
    return model_response(await service.get_mine(reader, citizen=citizen))


@router.patch(
    "/graduates/me",
    summary="Update your employment status or district",
    response_model=GraduateRead,
    responses=problem_responses(400, 401, 403, GraduateNotRegistered),
    name="update_my_graduate_registration",
)
async def update_mine(body: GraduateUpdate, session: SessionDep, citizen: CitizenDep) -> Response:
    return model_response(await service.update(session, citizen=citizen, body=body))


@router.get(
    "/retention",
    summary="Progress of the 100,000-graduate retention programme, by type and year",
    response_model=RetentionProgress,
    name="get_retention",
)
async def retention(reader: ReaderDep, clock: ClockDep) -> Response:
    return model_response(await service.progress(reader, clock=clock))
