"""Care requests in the 2+X+N structure: asked for by the elder, linked family or staff;
staff assign a provider (a market provider with its price in fen) and complete; the citizen
or staff cancel. Every move goes through the one lifecycle and into the request's history."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal
from common.clock import Clock
from common.i18n import t
from common.read import Reader
from services.eldercare.care import repository
from services.eldercare.care.errors import (
    CareRequestNotFound,
    DateInPast,
    PriceOnlyForMarket,
    PriceRequiredForMarket,
)
from services.eldercare.care.lifecycle import move, record
from services.eldercare.care.records import (
    Kind,
    elder_for_new_record,
    get_record,
    lock_for_change,
)
from services.eldercare.care.repository import CARE_REQUESTS
from services.eldercare.care.schemas import (
    CareAssign,
    CareEvent,
    CareRequestCreate,
    CareRequestDetail,
    CareRequestRead,
)
from services.eldercare.models import CareRequest
from services.eldercare.notifications import notices

CARE = Kind(
    reads=CARE_REQUESTS,
    resource="care_request",
    not_found=CareRequestNotFound,
    purpose="eldercare staff: arrange care",
)


def _role(relation: str | None) -> str:
    return "staff" if relation is None else "citizen"


async def _detail(session: AsyncSession, care_request_id: int) -> CareRequestDetail:
    """The request and its history as a read shows them, inside the writing transaction."""
    row = await CARE_REQUESTS.get.one_in(session, CareRequestNotFound, id=care_request_id)
    history = await repository.EVENTS.rows_in(session, id=care_request_id)
    return CareRequestDetail(
        **CareRequestRead.of(row).model_dump(), history=[CareEvent.of(e) for e in history]
    )


async def create(
    session: AsyncSession,
    *,
    principal: Principal,
    body: CareRequestCreate,
    clock: Clock,
    request_id: str | None,
) -> CareRequestDetail:
    if body.preferred_date is not None and body.preferred_date < clock.today():
        raise DateInPast(t("preferred_date is in the past."))
    relation = await elder_for_new_record(
        session, CARE, principal=principal, elder_id=body.elder_id, request_id=request_id
    )
    now = clock.now()
    request = CareRequest(
        elder_id=body.elder_id,
        requested_by_sub=principal.sub,
        care_type=body.care_type.value,
        provider_category=body.provider_category.value,
        details=body.details,
        preferred_date=body.preferred_date,
        status="requested",
        requested_at=now,
        status_changed_at=now,
    )
    session.add(request)
    await session.flush()
    record(
        session,
        request,
        was=None,
        actor_sub=principal.sub,
        actor_role=_role(relation),
        note=body.details,
        at=now,
    )
    await session.flush()
    return await _detail(session, request.id)


async def assign(
    session: AsyncSession,
    *,
    staff: Principal,
    care_request_id: int,
    body: CareAssign,
    clock: Clock,
    request_id: str | None,
) -> CareRequestDetail:
    request, _ = await lock_for_change(
        session,
        CARE,
        principal=staff,
        record_id=care_request_id,
        action="assign_care_request",
        request_id=request_id,
    )
    category = body.provider_category.value if body.provider_category else request.provider_category
    if category == "market" and body.price_fen is None:
        raise PriceRequiredForMarket(t("A market (paid) provider is assigned with its price_fen."))
    if category != "market" and body.price_fen is not None:
        raise PriceOnlyForMarket(
            t("A {category} provider has no price; leave price_fen out.", category=category)
        )
    move(
        session,
        request,
        "assigned",
        clock.now(),
        actor_sub=staff.sub,
        actor_role="staff",
        note=body.note,
    )
    request.provider_name = body.provider_name
    request.provider_category = category
    request.price_fen = body.price_fen
    await session.flush()
    await notices.care_moved(session, request, now=clock.now())
    return await _detail(session, request.id)


async def finish(
    session: AsyncSession,
    *,
    principal: Principal,
    care_request_id: int,
    to: str,
    note: str,
    clock: Clock,
    request_id: str | None,
) -> CareRequestDetail:
    """`completed` (staff) or `cancelled` (the elder, family or staff)."""
    request, relation = await lock_for_change(
        session,
        CARE,
        principal=principal,
        record_id=care_request_id,
        action=f"{'complete' if to == 'completed' else 'cancel'}_care_request",
        request_id=request_id,
    )
    move(
        session,
        request,
        to,
        clock.now(),
        actor_sub=principal.sub,
        actor_role=_role(relation),
        note=note,
    )
    await session.flush()
    await notices.care_moved(session, request, now=clock.now())
    return await _detail(session, request.id)


async def get(
    reader: Reader, audited: Audited, *, principal: Principal, care_request_id: int
) -> CareRequestDetail:
    row, as_staff = await get_record(
        reader, audited, CARE, principal=principal, record_id=care_request_id
    )
    if as_staff:
        history = await repository.EVENTS.rows(await audited.connection(), id=care_request_id)
    else:
        async with reader.connection() as conn:
            history = await repository.EVENTS.rows(conn, id=care_request_id)
    return CareRequestDetail(
        **CareRequestRead.of(row).model_dump(), history=[CareEvent.of(e) for e in history]
    )
