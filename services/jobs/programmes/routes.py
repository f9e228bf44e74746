"""Programme routes: the public catalogue, staff create and update, the citizen's pre-screen."""

from __future__ import annotations

from fastapi import APIRouter, Response

from common.auth import CitizenDep
from common.clock import ClockDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import Id
from services.jobs.deps import StaffDep
from services.jobs.programmes import eligibility, service
from services.jobs.programmes.errors import BudgetBelowCommitted, InvalidRule, ProgrammeNotFound
from services.jobs.programmes.schemas import (
    Eligibility,
    EligibilityRequest,
    ProgrammeCreate,
    ProgrammeRead,
    ProgrammeUpdate,
)

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])
NOT_FOUND = problem_responses(ProgrammeNotFound)


@router.get(
    "/programmes",
    summary="Support programmes with their rules, award and budget",
    response_model=Page[ProgrammeRead],
)
async def list_programmes(
    reader: ReaderDep, codec: CursorCodecDep, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Response:
    page = await service.list_programmes(reader, limit=limit, cursor=cursor, codec=codec)
    return model_response(page)


@router.get(
    "/programmes/{programme_id}",
    summary="One support programme",
    response_model=ProgrammeRead,
    responses=NOT_FOUND,
)
async def get_programme(programme_id: Id, reader: ReaderDep) -> Response:
    return model_response(await service.get_programme(reader, programme_id=programme_id))


@router.post(
    "/programmes",
    status_code=201,
    summary="Create a support programme (staff)",
    response_model=ProgrammeRead,
    responses=problem_responses(400, 401, 403, InvalidRule),
)
async def create_programme(
    body: ProgrammeCreate, session: SessionDep, staff: StaffDep, idem: IdempotencyDep
) -> Response:
    return await idem.run(staff.sub, lambda: service.create_programme(session, body=body))


@router.patch(
    "/programmes/{programme_id}",
    summary="Change a programme's rules, award or budget for future applications (staff)",
    response_model=ProgrammeRead,
    responses={
        **NOT_FOUND,
        **problem_responses(400, 401, 403, InvalidRule, BudgetBelowCommitted),
    },
)
async def update_programme(
    programme_id: Id, body: ProgrammeUpdate, session: SessionDep, _: StaffDep
) -> Response:
    updated = await service.update_programme(session, programme_id=programme_id, body=body)
    return model_response(updated)


@router.post(
    "/programmes/{programme_id}/eligibility",
    summary="What would I qualify for, and why not? (stores nothing)",
    description=(
        "Every rule's result — `met`, `not_met`, or `needs_info` when a fact is missing — with "
        "the requirement in Chinese and English. Your graduate registration supplies the facts "
        "it holds."
    ),
    response_model=Eligibility,
    responses={**NOT_FOUND, **problem_responses(400, 401, 403)},
    name="prescreen_eligibility",
)
async def prescreen(
    programme_id: Id,
    body: EligibilityRequest,
    reader: ReaderDep,
    citizen: CitizenDep,
    clock: ClockDep,
) -> Response:
    answer = await eligibility.prescreen(
        reader,
        citizen=citizen,
        programme_id=programme_id,
        stated=body.facts,
        clock=clock,
    )
    return model_response(answer)
