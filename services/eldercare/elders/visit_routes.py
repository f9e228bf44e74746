"""Staff visits and the at-risk round."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.audit import AuditedDep
from common.clock import ClockDep
from common.db import SessionDep
from common.districts import District
from common.idempotency import IdempotencyDep
from common.middleware import RequestIdDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.responses import model_response
from common.validation import MAX_ID, Id
from services.eldercare.config import SettingsDep
from services.eldercare.deps import StaffDep
from services.eldercare.elders import visits
from services.eldercare.elders.access import audit_replay
from services.eldercare.elders.errors import ElderNotFound, MissedReasonMismatch, VisitInFuture
from services.eldercare.elders.schemas import AtRiskElder, VisitCreate, VisitRead

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare visits and special groups"])


@router.post(
    "/elders/{elder_id}/visits",
    status_code=201,
    summary="Log a visit to an elder (staff; audited)",
    response_model=VisitRead,
    responses=problem_responses(400, 401, 403, ElderNotFound, VisitInFuture, MissedReasonMismatch),
)
async def log_visit(
    elder_id: Id,
    body: VisitCreate,
    session: SessionDep,
    staff: StaffDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    request_id: RequestIdDep,
) -> Response:
    return await idem.run(
        staff.sub,
        lambda: visits.log_visit(
            session, staff=staff, elder_id=elder_id, body=body, clock=clock, request_id=request_id
        ),
        replayed=audit_replay(
            session,
            staff,
            action="log_visit",
            elder_of=lambda _: elder_id,
            purpose=visits.ROUND_PURPOSE,
            request_id=request_id,
        ),
    )


@router.get(
    "/at-risk",
    summary="Elders aged 80+ living alone and of 失独 families, longest unvisited first (staff)",
    description=(
        "`overdue` marks elders never visited, or last visited longer ago than the visit "
        "interval (settings: `VISIT_INTERVAL_DAYS`, default 30); `overdue_only=true` lists only "
        "them. Every elder listed is written to the access audit."
    ),
    response_model=Page[AtRiskElder],
    responses=problem_responses(401, 403),
)
async def list_at_risk(
    audited: AuditedDep,
    staff: StaffDep,
    settings: SettingsDep,
    clock: ClockDep,
    codec: CursorCodecDep,
    community_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    district: District | None = None,
    overdue_only: bool = False,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await visits.at_risk(
        audited,
        staff=staff,
        community_id=community_id,
        district=district,
        overdue_only=overdue_only,
        settings=settings,
        clock=clock,
        limit=limit,
        cursor=cursor,
        codec=codec,
    )
    return model_response(page)
