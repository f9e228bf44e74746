"""Age-friendly renovations (适老化改造): asked for by the elder, family or staff; staff assess
(items, estimated cost), schedule (a date for the works) and complete, one step at a time, each
step stamped; the citizen may cancel until the works are done."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.clock import Clock
from common.read import Reader
from services.eldercare.care.errors import (
    CompletedBeforeScheduled,
    DateInPast,
    RenovationClosed,
    RenovationNotFound,
    ScheduledForNeedsScheduled,
    ScheduledForRequired,
    StaffOnly,
)
from services.eldercare.care.lifecycle import RENOVATION
from services.eldercare.care.records import (
    Kind,
    elder_for_new_record,
    get_record,
    lock_for_change,
)
from services.eldercare.care.repository import RENOVATIONS
from services.eldercare.care.schemas import RenovationCreate, RenovationRead, RenovationUpdate
from services.eldercare.models import Renovation

RENOVATION_KIND = Kind(
    reads=RENOVATIONS,
    resource="renovation",
    noun="Renovation",
    not_found=RenovationNotFound,
    purpose="eldercare staff: age-friendly renovation",
)
CLOSED = ("completed", "cancelled")


async def _read(session: AsyncSession, renovation_id: int) -> RenovationRead:
    row = await RENOVATIONS.in_session(session, renovation_id)
    assert row is not None
    return RenovationRead.of(row)


async def create(
    session: AsyncSession,
    *,
    principal: Principal,
    body: RenovationCreate,
    clock: Clock,
    request_id: str | None,
) -> RenovationRead:
    await elder_for_new_record(
        session, RENOVATION_KIND, principal=principal, elder_id=body.elder_id, request_id=request_id
    )
    now = clock.now()
    renovation = Renovation(
        elder_id=body.elder_id,
        requested_by_sub=principal.sub,
        items=[i.value for i in body.items],
        details=body.details,
        status="requested",
        requested_at=now,
        status_changed_at=now,
    )
    session.add(renovation)
    await session.flush()
    return await _read(session, renovation.id)


def _apply(
    renovation: Renovation, body: RenovationUpdate, changes: dict[str, Any], clock: Clock
) -> None:
    """The staff side of a PATCH: fields first, then the move, so the CHECKs see both."""
    to = body.status.value if body.status is not None else None
    if renovation.status in CLOSED and set(changes) - {"status"}:
        raise RenovationClosed(f"This renovation is {renovation.status}; it no longer changes.")
    if to is not None:
        RENOVATION.check(renovation.status, to)
    day = body.scheduled_for
    if day is not None:
        if "scheduled" not in (to, renovation.status):
            raise ScheduledForNeedsScheduled(
                "scheduled_for is set when scheduling the works (status: scheduled)."
            )
        if day < clock.today():
            raise DateInPast("scheduled_for is in the past.")
        renovation.scheduled_for = day
    if to == "scheduled" and renovation.scheduled_for is None:
        raise ScheduledForRequired(
            "Scheduling the works needs scheduled_for, the day of the works."
        )
    planned = renovation.scheduled_for
    if to == "completed" and planned is not None and clock.today() < planned:
        # completed is final: works planned for a later day cannot be done yet
        raise CompletedBeforeScheduled(
            f"The works are scheduled for {planned.isoformat()}; they can "
            "be completed on or after that day (reschedule them if they were done earlier).",
            scheduled_for=planned.isoformat(),
        )
    if body.items is not None:
        renovation.items = [i.value for i in body.items]
    if body.estimated_cost_fen is not None:
        renovation.estimated_cost_fen = body.estimated_cost_fen
    if body.assessment_note is not None:
        renovation.assessment_note = body.assessment_note
    if to is not None:
        RENOVATION.transition(renovation, to, clock.now())


async def update(
    session: AsyncSession,
    *,
    principal: Principal,
    renovation_id: int,
    body: RenovationUpdate,
    clock: Clock,
    request_id: str | None,
) -> RenovationRead:
    renovation, relation = await lock_for_change(
        session,
        RENOVATION_KIND,
        principal=principal,
        record_id=renovation_id,
        action="update_renovation",
        request_id=request_id,
    )
    changes = body.changes()
    citizen_cancel = changes == {"status": body.status} and body.status == "cancelled"
    if relation is not None and not citizen_cancel:
        raise StaffOnly("You may cancel this renovation; assessing and scheduling are for staff.")
    _apply(renovation, body, changes, clock)
    await session.flush()
    return await _read(session, renovation.id)


async def get(
    reader: Reader,
    session: AsyncSession,
    *,
    principal: Principal,
    renovation_id: int,
    request_id: str | None,
) -> RenovationRead:
    row, _ = await get_record(
        reader,
        session,
        RENOVATION_KIND,
        principal=principal,
        record_id=renovation_id,
        request_id=request_id,
    )
    return RenovationRead.of(row)
