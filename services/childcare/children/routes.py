"""Children routes: a guardian's own children."""

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
from services.childcare.children import service
from services.childcare.children.errors import (
    ChildAlreadyRegistered,
    ChildNotFound,
    ChildTooOld,
    ChildTooYoung,
)
from services.childcare.children.schemas import ChildCreate, ChildRead
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
