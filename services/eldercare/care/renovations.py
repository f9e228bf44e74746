"""Age-friendly renovations (适老化改造): asked for by the elder, family or staff; staff assess
(items, estimated cost), schedule (a date for the works) and complete, one step at a time, each
step stamped; the citizen may cancel until the works are done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal
from common.clock import Clock
from common.i18n import t
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
from services.eldercare.care.schemas import (
    RenovationCreate,
    RenovationItem,
    RenovationRead,
    RenovationUpdate,
)
from services.eldercare.models import Renovation
from services.eldercare.notifications import notices
from services.eldercare.values import RenovationStatus

RENOVATION_KIND = Kind(
    reads=RENOVATIONS,
    resource="renovation",
    not_found=RenovationNotFound,
    purpose="eldercare staff: age-friendly renovation",
)
CLOSED = ("completed", "cancelled")


async def _read(session: AsyncSession, renovation_id: int) -> RenovationRead:
    """The renovation as a read shows it, inside the writing transaction."""
    row = await RENOVATIONS.get.one_in(session, RenovationNotFound, id=renovation_id)
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


@dataclass(frozen=True)
class Change:
    """One step of a renovation and the fields that go with it (unset: `None`)."""

    to: RenovationStatus | None = None
    items: list[RenovationItem] | None = None
    estimated_cost_fen: int | None = None
    assessment_note: str | None = None
    scheduled_for: date | None = None

    @classmethod
    def of(cls, body: RenovationUpdate) -> Change:
        return cls(
            to=body.status,
            items=body.items,
            estimated_cost_fen=body.estimated_cost_fen,
            assessment_note=body.assessment_note,
            scheduled_for=body.scheduled_for,
        )

    @property
    def fields(self) -> bool:
        return any(
            v is not None
            for v in (self.items, self.estimated_cost_fen, self.assessment_note, self.scheduled_for)
        )


def _apply(renovation: Renovation, change: Change, clock: Clock) -> None:
    """The staff side of a move: fields first, then the move, so the CHECKs see both."""
    to = change.to.value if change.to is not None else None
    if renovation.status in CLOSED and change.fields:
        raise RenovationClosed(
            t("This renovation is {status}; it no longer changes.", status=renovation.status)
        )
    if to is not None:
        RENOVATION.check(renovation.status, to)
    day = change.scheduled_for
    if day is not None:
        if "scheduled" not in (to, renovation.status):
            raise ScheduledForNeedsScheduled(
                t("scheduled_for is set when scheduling the works (status: scheduled).")
            )
        if day < clock.today():
            raise DateInPast(t("scheduled_for is in the past."))
        renovation.scheduled_for = day
    if to == "scheduled" and renovation.scheduled_for is None:
        raise ScheduledForRequired(
            t("Scheduling the works needs scheduled_for, the day of the works.")
        )
    planned = renovation.scheduled_for
    if to == "completed" and planned is not None and clock.today() < planned:
        # completed is final: works planned for a later day cannot be done yet
        raise CompletedBeforeScheduled(
            t(
                "The works are scheduled for {planned}; they can be completed on or after that "
                "day (reschedule them if they were done earlier).",
                planned=planned.isoformat(),
            ),
            scheduled_for=planned.isoformat(),
        )
    if change.items is not None:
        renovation.items = [i.value for i in change.items]
    if change.estimated_cost_fen is not None:
        renovation.estimated_cost_fen = change.estimated_cost_fen
    if change.assessment_note is not None:
        renovation.assessment_note = change.assessment_note
    if to is not None:
        RENOVATION.transition(renovation, to, clock.now())


async def move(
    session: AsyncSession,
    *,
    principal: Principal,
    renovation_id: int,
    change: Change,
    clock: Clock,
    request_id: str | None,
    action: str,
) -> RenovationRead:
    """One step (the verbs, or the older PATCH): staff make every move; the elder or family
    may only cancel."""
    renovation, relation = await lock_for_change(
        session,
        RENOVATION_KIND,
        principal=principal,
        record_id=renovation_id,
        action=action,
        request_id=request_id,
    )
    citizen_cancel = change.to == RenovationStatus.cancelled and not change.fields
    if relation is not None and not citizen_cancel:
        raise StaffOnly(
            t("You may cancel this renovation; assessing and scheduling are for staff.")
        )
    was = renovation.status
    _apply(renovation, change, clock)
    await session.flush()
    await notices.renovation_moved(session, renovation, was=was, now=clock.now())
    return await _read(session, renovation.id)


async def get(
    reader: Reader, audited: Audited, *, principal: Principal, renovation_id: int
) -> RenovationRead:
    row, _ = await get_record(
        reader, audited, RENOVATION_KIND, principal=principal, record_id=renovation_id
    )
    return RenovationRead.of(row)
