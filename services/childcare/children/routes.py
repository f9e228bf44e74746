"""Children routes: a guardian's own children."""

from __future__ import annotations

from fastapi import APIRouter, Response

from common.audit import AuditedDep
from common.auth import CitizenDep
from common.clock import ClockDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import Id
from services.childcare.children import service
from services.childcare.children.errors import (
    ChildAlreadyRegistered,
    ChildHasPlace,
    ChildIdentityInUse,
    ChildNotFound,
    ChildTooOld,
    ChildTooYoung,
)
from services.childcare.children.schemas import ChildCreate, ChildRead, ChildUpdate
from services.childcare.config import SettingsDep

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])


@router.post(
    "/children",
    status_code=201,
    summary="Register your child",
    description=(
        "A child aged 0–36 months today. The optional national ID is stored only as a keyed hash "
        "and a mask; registering an ID you already registered is `409 child_already_registered`."
    ),
    response_model=ChildRead,
    responses=problem_responses(400, 401, 403, ChildAlreadyRegistered, ChildTooOld, ChildTooYoung),
)
async def register_child(
    body: ChildCreate,
    session: SessionDep,
    guardian: CitizenDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> Response:
    return await idem.run(
        guardian.sub,
        lambda: service.register_child(
            session,
            guardian=guardian,
            body=body,
            id_hash_key=settings.id_hash_key,
            clock=clock,
        ),
    )


@router.get("/children", summary="Your children", response_model=Page[ChildRead])
async def list_children(
    reader: ReaderDep,
    guardian: CitizenDep,
    codec: CursorCodecDep,
    clock: ClockDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    page = await service.list_children(
        reader, guardian=guardian, limit=limit, cursor=cursor, codec=codec, clock=clock
    )
    return model_response(page)


@router.get(
    "/children/{child_id}",
    summary="One of your children",
    response_model=ChildRead,
    responses=problem_responses(ChildNotFound),
)
async def get_child(
    child_id: Id, reader: ReaderDep, guardian: CitizenDep, clock: ClockDep
) -> Response:
    child = await service.get_child(reader, guardian=guardian, child_id=child_id, clock=clock)
    return model_response(child)


@router.patch(
    "/children/{child_id}",
    summary="Correct your child's record",
    description=(
        "Only the fields sent change, under the rules of registration. A new birth date must "
        "keep the child inside the age range of every active application on its start date "
        "(`child_too_old` / `child_too_young`); the national ID cannot change while an "
        "application is active (`409 child_identity_in_use`); `id_number: null` removes it."
    ),
    response_model=ChildRead,
    responses=problem_responses(
        400,
        401,
        403,
        ChildNotFound,
        ChildAlreadyRegistered,
        ChildIdentityInUse,
        ChildTooOld,
        ChildTooYoung,
    ),
)
async def correct_child(
    child_id: Id,
    body: ChildUpdate,
    session: SessionDep,
    guardian: CitizenDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> Response:
    child = await service.correct_child(
        session,
        guardian=guardian,
        child_id=child_id,
        body=body,
        id_hash_key=settings.id_hash_key,
        clock=clock,
    )
    return model_response(child)


@router.delete(
    "/children/{child_id}",
    status_code=204,
    summary="Erase your child's record",
    description=(
        "PIPL's right to deletion: the child's record, their applications (waiting ones "
        "included) and the stored answers that repeat them are deleted. Refused with "
        "`409 child_has_place` while the child holds or is offered a place: withdraw or decline "
        "first. The access audit keeps that the record was erased (its number, not the name)."
    ),
    response_class=Response,
    responses=problem_responses(401, 403, ChildNotFound, ChildHasPlace),
)
async def erase_child(child_id: Id, audited: AuditedDep, guardian: CitizenDep) -> Response:
    await service.erase_child(audited, guardian=guardian, child_id=child_id)
    return Response(status_code=204)
