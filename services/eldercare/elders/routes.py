"""Elder profile routes: register, list and read (the elder, linked family, staff audited)."""

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
from common.read import ReaderDep
from common.responses import model_response
from common.validation import MAX_ID, Id
from services.eldercare.config import SettingsDep
from services.eldercare.deps import ElderReaderDep
from services.eldercare.elders import service
from services.eldercare.elders.access import audit_replay
from services.eldercare.elders.errors import (
    BirthDateInFuture,
    ElderAlreadyRegistered,
    ElderNotFound,
    ElderProfileExists,
    InvalidIdNumber,
    NotAnElder,
    RoleNotHeld,
    SubjectOnlyForStaff,
)
from services.eldercare.elders.repository import StaffFilter
from services.eldercare.elders.schemas import ElderCreate, ElderRead, ElderUpdate
from services.eldercare.facilities.errors import CommunityNotFound

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare elders"])


@router.post(
    "/elders",
    status_code=201,
    summary="Register an elder profile (the elder, a family member or staff)",
    description=(
        "A citizen registers themself (`acting_as: self`) or a parent (`family`, the default: "
        "the caller is linked as family and may act for the elder); eldercare staff register "
        "for an elder (`staff`, audited). The national ID is optional and kept only as a keyed "
        "hash and a mask."
    ),
    response_model=ElderRead,
    responses=problem_responses(
        400,
        401,
        403,
        RoleNotHeld,
        CommunityNotFound,
        ElderAlreadyRegistered,
        ElderProfileExists,
        BirthDateInFuture,
        NotAnElder,
        InvalidIdNumber,
        SubjectOnlyForStaff,
    ),
)
async def create_elder(
    body: ElderCreate,
    session: SessionDep,
    principal: ElderReaderDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
) -> Response:
    return await idem.run(
        principal.sub,
        lambda: service.create_elder(
            session,
            principal=principal,
            body=body,
            settings=settings,
            clock=clock,
            request_id=request_id,
        ),
        replayed=audit_replay(
            session,
            principal,
            action="create_elder",
            elder_of=lambda body: body["id"],
            purpose=service.CREATE_PURPOSE,
            request_id=request_id,
        ),
    )


@router.get(
    "/elders",
    summary="Your elders (yourself and linked family); for staff every elder (audited)",
    description="`community_id` and `district` filter the staff list.",
    response_model=Page[ElderRead],
    responses=problem_responses(401, 403),
)
async def list_elders(
    reader: ReaderDep,
    audited: AuditedDep,
    principal: ElderReaderDep,
    codec: CursorCodecDep,
    clock: ClockDep,
    community_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    district: District | None = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await service.list_elders(
        reader,
        audited,
        principal=principal,
        filters=StaffFilter(community_id=community_id, district=district),
        limit=limit,
        cursor=cursor,
        codec=codec,
        clock=clock,
    )
    return model_response(page)


@router.get(
    "/elders/{elder_id}",
    summary="One elder profile (the elder, linked family, or staff: audited)",
    response_model=ElderRead,
    responses=problem_responses(401, 403, ElderNotFound),
)
async def get_elder(
    elder_id: Id, reader: ReaderDep, audited: AuditedDep, principal: ElderReaderDep, clock: ClockDep
) -> Response:
    elder = await service.get_elder(
        reader, audited, principal=principal, elder_id=elder_id, clock=clock
    )
    return model_response(elder)


@router.patch(
    "/elders/{elder_id}",
    summary="Correct an elder's profile (the elder, linked family, or staff; audited)",
    description=(
        "Only the fields sent change, under the rules of registration (`not_an_elder`, "
        "`birth_date_in_future`, `community_not_found`). Every change is written to the access "
        "audit, whoever makes it. To anyone else the profile does not exist (`404`)."
    ),
    response_model=ElderRead,
    responses=problem_responses(
        400, 401, 403, ElderNotFound, BirthDateInFuture, NotAnElder, CommunityNotFound
    ),
)
async def update_elder(
    elder_id: Id,
    body: ElderUpdate,
    session: SessionDep,
    principal: ElderReaderDep,
    clock: ClockDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
) -> Response:
    elder = await service.update_elder(
        session,
        principal=principal,
        elder_id=elder_id,
        body=body,
        settings=settings,
        clock=clock,
        request_id=request_id,
    )
    return model_response(elder)
