"""Renovation routes: ask for a retrofit, list and read, move it along."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import AuditedDep
from common.auth import Principal
from common.clock import Clock, ClockDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.lifecycle import IllegalTransition
from common.middleware import RequestIdDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import MAX_ID, Id
from services.eldercare.care import records, renovations
from services.eldercare.care.errors import (
    CompletedBeforeScheduled,
    DateInPast,
    RenovationClosed,
    RenovationNotFound,
    ScheduledForNeedsScheduled,
    ScheduledForRequired,
    StaffOnly,
)
from services.eldercare.care.repository import StaffFilter
from services.eldercare.care.schemas import (
    RenovationAssess,
    RenovationCreate,
    RenovationRead,
    RenovationSchedule,
    RenovationUpdate,
)
from services.eldercare.deps import ElderReaderDep, StaffDep
from services.eldercare.elders.access import audit_replay
from services.eldercare.elders.errors import ElderNotFound
from services.eldercare.values import RenovationStatus

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare age-friendly renovations"])


@router.post(
    "/renovations",
    status_code=201,
    summary="Ask for an age-friendly home retrofit (适老化改造): handrails, ramps, bathroom, …",
    response_model=RenovationRead,
    responses=problem_responses(400, 401, 403, ElderNotFound),
)
async def create_renovation(
    body: RenovationCreate,
    session: SessionDep,
    principal: ElderReaderDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    return await idem.run(
        principal.sub,
        lambda: renovations.create(
            session, principal=principal, body=body, clock=clock, request_id=request_id
        ),
        replayed=audit_replay(
            session,
            principal,
            action="create_renovation",
            elder_of=lambda answer: answer["elder_id"],
            purpose=renovations.RENOVATION_KIND.purpose,
            request_id=request_id,
        ),
    )


@router.get(
    "/renovations",
    summary="Renovations of your elders, newest first; for staff all of them (audited)",
    description="`status` and `elder_id` filter the staff list.",
    response_model=Page[RenovationRead],
    responses=problem_responses(401, 403),
)
async def list_renovations(
    reader: ReaderDep,
    audited: AuditedDep,
    principal: ElderReaderDep,
    codec: CursorCodecDep,
    status: RenovationStatus | None = None,
    elder_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await records.page(
        reader,
        audited,
        renovations.RENOVATION_KIND,
        RenovationRead.of,
        principal=principal,
        filters=StaffFilter(status=status, elder_id=elder_id),
        limit=limit,
        cursor=cursor,
        codec=codec,
    )
    return model_response(page)


@router.get(
    "/renovations/{renovation_id}",
    summary="One renovation with the moment of each step",
    response_model=RenovationRead,
    responses=problem_responses(401, 403, RenovationNotFound),
)
async def get_renovation(
    renovation_id: Id, reader: ReaderDep, audited: AuditedDep, principal: ElderReaderDep
) -> Response:
    found = await renovations.get(reader, audited, principal=principal, renovation_id=renovation_id)
    return model_response(found)


MOVE_ERRORS = problem_responses(401, 403, RenovationNotFound, IllegalTransition)


@router.post(
    "/renovations/{renovation_id}/assess",
    summary="Record the assessment (staff): requested → assessed",
    description="Any of `items` (replacing the list asked for), `estimated_cost_fen` and "
    "`assessment_note` may go with it.",
    response_model=RenovationRead,
    responses={**MOVE_ERRORS, **problem_responses(RenovationClosed)},
)
async def assess_renovation(
    renovation_id: Id,
    session: SessionDep,
    staff: StaffDep,
    clock: ClockDep,
    request_id: RequestIdDep,
    body: RenovationAssess | None = None,
) -> Response:
    found = body or RenovationAssess()
    change = renovations.Change(
        to=RenovationStatus.assessed,
        items=found.items,
        estimated_cost_fen=found.estimated_cost_fen,
        assessment_note=found.assessment_note,
    )
    return await _move(session, staff, renovation_id, change, clock, request_id, "assess")


@router.post(
    "/renovations/{renovation_id}/schedule",
    summary="Schedule the works for a day (staff): assessed → scheduled",
    response_model=RenovationRead,
    responses={**MOVE_ERRORS, **problem_responses(RenovationClosed, DateInPast)},
)
async def schedule_renovation(
    renovation_id: Id,
    body: RenovationSchedule,
    session: SessionDep,
    staff: StaffDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    change = renovations.Change(to=RenovationStatus.scheduled, scheduled_for=body.scheduled_for)
    return await _move(session, staff, renovation_id, change, clock, request_id, "schedule")


@router.post(
    "/renovations/{renovation_id}/complete",
    summary="Record the works as done (staff): scheduled → completed, on or after their day",
    response_model=RenovationRead,
    responses={**MOVE_ERRORS, **problem_responses(CompletedBeforeScheduled)},
)
async def complete_renovation(
    renovation_id: Id,
    session: SessionDep,
    staff: StaffDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    change = renovations.Change(to=RenovationStatus.completed)
    return await _move(session, staff, renovation_id, change, clock, request_id, "complete")


@router.post(
    "/renovations/{renovation_id}/cancel",
    summary="Cancel a renovation (the elder, family or staff) until the works are done",
    response_model=RenovationRead,
    responses=MOVE_ERRORS,
)
async def cancel_renovation(
    renovation_id: Id,
    session: SessionDep,
    principal: ElderReaderDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    change = renovations.Change(to=RenovationStatus.cancelled)
    return await _move(session, principal, renovation_id, change, clock, request_id, "cancel")


@router.patch(
    "/renovations/{renovation_id}",
    summary="Move a renovation along (the older form of the verbs above)",
    description="Staff make every move; the elder or family may only send "
    '`{"status": "cancelled"}`. New clients use `POST …/assess`, `…/schedule`, `…/complete` '
    "and `…/cancel`, which say the same one step each.",
    response_model=RenovationRead,
    responses=problem_responses(
        401,
        403,
        RenovationNotFound,
        StaffOnly,
        IllegalTransition,
        RenovationClosed,
        CompletedBeforeScheduled,
        ScheduledForRequired,
        ScheduledForNeedsScheduled,
        DateInPast,
    ),
)
async def update_renovation(
    renovation_id: Id,
    body: RenovationUpdate,
    session: SessionDep,
    principal: ElderReaderDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    change = renovations.Change.of(body)
    return await _move(session, principal, renovation_id, change, clock, request_id, "update")


async def _move(
    session: AsyncSession,
    principal: Principal,
    renovation_id: int,
    change: renovations.Change,
    clock: Clock,
    request_id: str | None,
    verb: str,
) -> Response:
    result = await renovations.move(
        session,
        principal=principal,
        renovation_id=renovation_id,
        change=change,
        clock=clock,
        request_id=request_id,
        action=f"{verb}_renovation",
    )
    return model_response(result)
