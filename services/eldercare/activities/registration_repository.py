"""Registration SQL: the row every read shapes, a citizen's registrations (theirs and their
elders') as a `Listing`; FIFO order on a waitlist is the order of `id` (assigned under the
activity's row lock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, any_, bindparam, case, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from common.listing import Keyset, Listing
from common.read import Statement
from services.eldercare.models import Activity, ActivityRegistration, Elder

Reg = ActivityRegistration


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    id: int
    activity_id: int
    title: str
    category: str
    starts_at: datetime
    place: str
    elder_id: int | None
    elder_name: str | None
    registrant_sub: str
    status: str
    waitlist_position: int | None
    registered_at: datetime
    status_changed_at: datetime


_ahead = aliased(Reg)
_POSITION = case(
    (
        Reg.status == "waitlisted",
        select(func.count())
        .where(
            _ahead.activity_id == Reg.activity_id,
            _ahead.status == "waitlisted",
            _ahead.id <= Reg.id,
        )
        .scalar_subquery(),
    ),
    else_=None,
)
REGISTRATIONS = (
    select(
        Reg.id,
        Reg.activity_id,
        Activity.title,
        Activity.category,
        Activity.starts_at,
        Activity.place,
        Reg.elder_id,
        Elder.name.label("elder_name"),
        Reg.registrant_sub,
        Reg.status,
        _POSITION.label("waitlist_position"),
        Reg.registered_at,
        Reg.status_changed_at,
    )
    .join(Activity, Activity.id == Reg.activity_id)
    .outerjoin(Elder, Elder.id == Reg.elder_id)
)
GET = Statement(REGISTRATIONS.where(Reg.id == bindparam("id")), RegistrationRow)
# a citizen's registrations: made by them, or of an elder they are linked to (`sub`,
# `elder_ids` are the list's own parameters)
_MINE = REGISTRATIONS.where(
    or_(
        Reg.registrant_sub == bindparam("sub"),
        Reg.elder_id == any_(bindparam("elder_ids", type_=ARRAY(BigInteger))),
    )
)
MINE = Listing(_MINE, RegistrationRow, order=Keyset((Reg.id,), descending=True))
MINE_UPCOMING = Statement(
    _MINE.where(
        Reg.status == any_(array(["registered", "waitlisted"])),
        Activity.starts_at >= bindparam("now", type_=DateTime(timezone=True)),
    )
    .order_by(Activity.starts_at, Reg.id)
    .limit(bindparam("limit")),
    RegistrationRow,
)


# --- writes (the request's session) ------------------------------------------------------------


async def has_active(session: AsyncSession, activity_id: int, participant: str) -> bool:
    found = await session.scalar(
        select(Reg.id).where(
            Reg.activity_id == activity_id,
            Reg.participant == participant,
            Reg.status.in_(["registered", "waitlisted"]),
        )
    )
    return found is not None


async def waitlist_head(session: AsyncSession, activity_id: int, n: int) -> list[Reg]:
    """The first `n` waiting registrations, FIFO, row-locked."""
    stmt = (
        select(Reg)
        .where(Reg.activity_id == activity_id, Reg.status == "waitlisted")
        .order_by(Reg.id)
        .limit(n)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def active_registrations(session: AsyncSession, activity_id: int) -> list[Reg]:
    stmt = (
        select(Reg)
        .where(Reg.activity_id == activity_id, Reg.status.in_(["registered", "waitlisted"]))
        .order_by(Reg.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def get_registration(session: AsyncSession, reg_id: int, *, lock: bool = False) -> Reg | None:
    stmt = select(Reg).where(Reg.id == reg_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


# --- statistics: upcoming sessions by district ------------------------------------------------
