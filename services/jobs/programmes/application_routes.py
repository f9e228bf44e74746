"""Application routes: apply and read your own (citizen); all of them, approve, reject and
disburse (jobs_staff; audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from common.audit import AuditedDep
from common.auth import CitizenDep, PrincipalDep, Role
from common.clock import ClockDep
from common.db import SessionDep
from common.errors import Forbidden
from common.i18n import t
from common.idempotency import IdempotencyDep
from common.lifecycle import IllegalTransition
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import MAX_ID, Id
from services.jobs.deps import StaffDep
from services.jobs.programmes import applications, decisions
from services.jobs.programmes.errors import (
    AlreadyApplied,
    AlreadyAwarded,
    AlreadyDisbursed,
    AmountNotAllowed,
    AmountRequired,
    ApplicationNotFound,
    ApplicationNotPending,
    BudgetExhausted,
    FactsMissing,
    NotEligible,
    ProgrammeClosed,
    ProgrammeNotFound,
)
from services.jobs.programmes.schemas import (
    ApplicationCreate,
    ApplicationRead,
    DecisionNote,
    Rejection,
)
from services.jobs.values import ApplicationStatus

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])
DECISION = problem_responses(400, 401, 403, ApplicationNotFound, IllegalTransition)


def _is_staff(principal: PrincipalDep) -> bool:
    if principal.has_any(Role.jobs_staff, Role.admin):
        return True
    if principal.has_any(Role.citizen):
        return False
    raise Forbidden(t("This needs the citizen or jobs_staff role."))


@router.post(
    "/applications",
    status_code=201,
    summary="Apply to a support programme",
    response_model=ApplicationRead,
    responses=problem_responses(
        400,
        401,
        403,
        ProgrammeNotFound,
        NotEligible,
        FactsMissing,
        AmountRequired,
        AmountNotAllowed,
        ProgrammeClosed,
        AlreadyApplied,
        AlreadyAwarded,
    ),
    name="apply_for_support",
)
async def apply(
    body: ApplicationCreate,
    session: SessionDep,
    citizen: CitizenDep,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    return await idem.run(
        citizen.sub,
        lambda: applications.apply(session, citizen=citizen, body=body, clock=clock),
    )


@router.get(
    "/applications",
    summary="Your applications (staff: every application, audited), newest first",
    response_model=Page[ApplicationRead],
    responses=problem_responses(401, 403),
)
async def list_applications(
    principal: PrincipalDep,
    reader: ReaderDep,
    audited: AuditedDep,
    codec: CursorCodecDep,
    programme_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Staff only: one programme.")
    ] = None,
    status: Annotated[
        ApplicationStatus | None, Query(description="Staff only: one status.")
    ] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    if _is_staff(principal):
        page = await applications.list_all(
            audited,
            staff=principal,
            programme_id=programme_id,
            status=status.value if status else None,
            limit=limit,
            cursor=cursor,
            codec=codec,
        )
    else:
        page = await applications.list_mine(
            reader, citizen=principal, limit=limit, cursor=cursor, codec=codec
        )
    return model_response(page)


@router.get(
    "/applications/{application_id}",
    summary="One of your applications (staff: any, audited)",
    response_model=ApplicationRead,
    responses=problem_responses(401, 403, ApplicationNotFound),
)
async def get_application(
    application_id: Id, principal: PrincipalDep, reader: ReaderDep, audited: AuditedDep
) -> Response:
    if _is_staff(principal):
        found = await applications.get_any(audited, staff=principal, application_id=application_id)
    else:
        found = await applications.get_mine(
            reader, citizen=principal, application_id=application_id
        )
    return model_response(found)


@router.post(
    "/applications/{application_id}/withdraw",
    summary="Withdraw your application while it is not yet decided",
    description=(
        "Only a `pending` application can be withdrawn; one approved, rejected, paid or withdrawn "
        "already is `409 application_not_pending`. A withdrawn application no longer counts as "
        "your application to the programme, so you may apply again."
    ),
    response_model=ApplicationRead,
    responses=problem_responses(401, 403, ApplicationNotFound, ApplicationNotPending),
)
async def withdraw(
    application_id: Id, session: SessionDep, citizen: CitizenDep, clock: ClockDep
) -> Response:
    result = await applications.withdraw(
        session, citizen=citizen, application_id=application_id, clock=clock
    )
    return model_response(result)


@router.post(
    "/applications/{application_id}/approve",
    summary="Approve a pending application within the programme's budget (staff)",
    response_model=ApplicationRead,
    responses={**DECISION, **problem_responses(BudgetExhausted)},
    name="approve_application",
)
async def approve(
    application_id: Id,
    audited: AuditedDep,
    staff: StaffDep,
    clock: ClockDep,
    body: Annotated[DecisionNote | None, Body()] = None,
) -> Response:
    result = await decisions.approve(
        audited,
        staff=staff,
        application_id=application_id,
        note=body.note if body else None,
        clock=clock,
    )
    return model_response(result)


@router.post(
    "/applications/{application_id}/reject",
    summary="Reject a pending application, with the reason (staff)",
    response_model=ApplicationRead,
    responses=DECISION,
    name="reject_application",
)
async def reject(
    application_id: Id, body: Rejection, audited: AuditedDep, staff: StaffDep, clock: ClockDep
) -> Response:
    result = await decisions.reject(
        audited, staff=staff, application_id=application_id, reason=body.reason, clock=clock
    )
    return model_response(result)


@router.post(
    "/applications/{application_id}/disburse",
    summary="Pay an approved application, exactly once (staff)",
    description="Answers with the payment reference; paying again is `409 already_disbursed` "
    "carrying the same reference.",
    response_model=ApplicationRead,
    responses={**DECISION, **problem_responses(AlreadyDisbursed)},
    name="disburse_application",
)
async def disburse(
    application_id: Id, audited: AuditedDep, staff: StaffDep, clock: ClockDep
) -> Response:
    result = await decisions.disburse(
        audited, staff=staff, application_id=application_id, clock=clock
    )
    return model_response(result)
