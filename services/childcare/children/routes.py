"""Children routes: a guardian's own children."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from common.auth import CitizenDep
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page
from services.childcare.children import service
from services.childcare.children.schemas import ChildCreate, ChildRead
from services.childcare.deps import Id

router = APIRouter(prefix="/childcare/v1", tags=["childcare"])


@router.post("/children", status_code=201, summary="Register your child")
async def register_child(
    request: Request,
    body: ChildCreate,
    session: SessionDep,
    guardian: CitizenDep,
    idem: IdempotencyDep,
) -> ChildRead:
    key = request.app.state.settings.id_hash_key
    response: JSONResponse = await idem.run(
        guardian.sub,
        lambda: service.register_child(session, guardian=guardian, body=body, id_hash_key=key),
    )
    return response  # type: ignore[return-value]


@router.get("/children", summary="Your children")
async def list_children(
    request: Request,
    session: SessionDep,
    guardian: CitizenDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[ChildRead]:
    return await service.list_children(
        session, guardian=guardian, limit=limit, cursor=cursor, codec=request.app.state.cursor_codec
    )


@router.get("/children/{child_id}", summary="One of your children")
async def get_child(child_id: Id, session: SessionDep, guardian: CitizenDep) -> ChildRead:
    return await service.get_child(session, guardian=guardian, child_id=child_id)
