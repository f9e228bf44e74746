"""Renovation routes: ask for a retrofit, list and read, move it along."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.clock import ClockDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.lifecycle import IllegalTransition
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import MAX_ID
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
    RenovationCreate,
    RenovationRead,
    RenovationUpdate,
)
from services.eldercare.deps import ElderReaderDep, Id, RequestIdDep
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
    session: SessionDep,
    principal: ElderReaderDep,
    codec: CursorCodecDep,
    request_id: RequestIdDep,
    status: RenovationStatus | None = None,
    elder_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await records.page(
        reader,
        session,
        renovations.RENOVATION_KIND,
        RenovationRead.of,
        principal=principal,
        filters=StaffFilter(status=status, elder_id=elder_id),
        limit=limit,
        cursor=cursor,
        codec=codec,
        request_id=request_id,
    )
    return model_response(page)


@router.get(
    "/renovations/{renovation_id}",
    summary="One renovation with the moment of each step",
    response_model=RenovationRead,
    responses=problem_responses(401, 403, RenovationNotFound),
)
async def get_renovation(
    renovation_id: Id,
    reader: ReaderDep,
    session: SessionDep,
    principal: ElderReaderDep,
    request_id: RequestIdDep,
) -> Response:
    found = await renovations.get(
        reader, session, principal=principal, renovation_id=renovation_id, request_id=request_id
    )
    return model_response(found)


@router.patch(
    "/renovations/{renovation_id}",
    summary="Move a renovation along (staff), or cancel it (the elder or family)",
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
    result = await renovations.update(
        session,
        principal=principal,
        renovation_id=renovation_id,
        body=body,
        clock=clock,
        request_id=request_id,
    )
    return model_response(result)
