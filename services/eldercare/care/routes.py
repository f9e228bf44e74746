"""Care request routes: ask (citizen or staff), list and read, and the moves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.audit import AuditedDep
from common.clock import ClockDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.lifecycle import IllegalTransition
from common.middleware import RequestIdDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import MAX_ID, Id
from services.eldercare.care import records, service
from services.eldercare.care.errors import (
    CareRequestNotFound,
    DateInPast,
    PriceOnlyForMarket,
    PriceRequiredForMarket,
)
from services.eldercare.care.repository import StaffFilter
from services.eldercare.care.schemas import (
    CareAssign,
    CareMove,
    CareRequestCreate,
    CareRequestDetail,
    CareRequestRead,
)
from services.eldercare.deps import ElderReaderDep, StaffDep
from services.eldercare.elders.access import audit_replay
from services.eldercare.elders.errors import ElderNotFound
from services.eldercare.values import CareStatus

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare care requests (2+X+N)"])
MOVE_ERRORS = problem_responses(401, 403, CareRequestNotFound, IllegalTransition)


@router.post(
    "/care-requests",
    status_code=201,
    summary="Ask for care for an elder: meals, cleaning, health checks, companionship, …",
    description=(
        "By the elder, linked family, or staff (audited). `provider_category` says which part "
        "of 2+X+N is asked for: `public` community services, `market` paid services (priced "
        "in fen when assigned), `social_org` or `volunteer` services."
    ),
    response_model=CareRequestDetail,
    responses=problem_responses(400, 401, 403, ElderNotFound, DateInPast),
)
async def create_care_request(
    body: CareRequestCreate,
    session: SessionDep,
    principal: ElderReaderDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    return await idem.run(
        principal.sub,
        lambda: service.create(
            session, principal=principal, body=body, clock=clock, request_id=request_id
        ),
        replayed=audit_replay(
            session,
            principal,
            action="create_care_request",
            elder_of=lambda answer: answer["elder_id"],
            purpose=service.CARE.purpose,
            request_id=request_id,
        ),
    )


@router.get(
    "/care-requests",
    summary="Care requests of your elders, newest first; for staff all of them (audited)",
    description="`status` and `elder_id` filter the staff list.",
    response_model=Page[CareRequestRead],
    responses=problem_responses(401, 403),
)
async def list_care_requests(
    reader: ReaderDep,
    audited: AuditedDep,
    principal: ElderReaderDep,
    codec: CursorCodecDep,
    status: CareStatus | None = None,
    elder_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await records.page(
        reader,
        audited,
        service.CARE,
        CareRequestRead.of,
        principal=principal,
        filters=StaffFilter(status=status, elder_id=elder_id),
        limit=limit,
        cursor=cursor,
        codec=codec,
    )
    return model_response(page)


@router.get(
    "/care-requests/{care_request_id}",
    summary="One care request with its history",
    response_model=CareRequestDetail,
    responses=problem_responses(401, 403, CareRequestNotFound),
)
async def get_care_request(
    care_request_id: Id, reader: ReaderDep, audited: AuditedDep, principal: ElderReaderDep
) -> Response:
    found = await service.get(reader, audited, principal=principal, care_request_id=care_request_id)
    return model_response(found)


@router.post(
    "/care-requests/{care_request_id}/assign",
    summary="Assign a provider (staff): requested → assigned",
    response_model=CareRequestDetail,
    responses={**MOVE_ERRORS, **problem_responses(PriceRequiredForMarket, PriceOnlyForMarket)},
)
async def assign_care_request(
    care_request_id: Id,
    body: CareAssign,
    session: SessionDep,
    staff: StaffDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    result = await service.assign(
        session,
        staff=staff,
        care_request_id=care_request_id,
        body=body,
        clock=clock,
        request_id=request_id,
    )
    return model_response(result)


@router.post(
    "/care-requests/{care_request_id}/complete",
    summary="Record the care as given (staff): assigned → completed",
    response_model=CareRequestDetail,
    responses=MOVE_ERRORS,
)
async def complete_care_request(
    care_request_id: Id,
    session: SessionDep,
    staff: StaffDep,
    clock: ClockDep,
    request_id: RequestIdDep,
    body: CareMove | None = None,
) -> Response:
    result = await service.finish(
        session,
        principal=staff,
        care_request_id=care_request_id,
        to="completed",
        note=body.note if body else "",
        clock=clock,
        request_id=request_id,
    )
    return model_response(result)


@router.post(
    "/care-requests/{care_request_id}/cancel",
    summary="Cancel a care request (the elder, family or staff): requested or assigned → cancelled",
    response_model=CareRequestDetail,
    responses=MOVE_ERRORS,
)
async def cancel_care_request(
    care_request_id: Id,
    session: SessionDep,
    principal: ElderReaderDep,
    clock: ClockDep,
    request_id: RequestIdDep,
    body: CareMove | None = None,
) -> Response:
    result = await service.finish(
        session,
        principal=principal,
        care_request_id=care_request_id,
        to="cancelled",
        note=body.note if body else "",
        clock=clock,
        request_id=request_id,
    )
    return model_response(result)
