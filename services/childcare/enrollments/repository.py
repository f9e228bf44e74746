"""Enrollment SQL: applications, the FIFO waitlist and its positions, offers, rosters.

FIFO order on a waitlist is the order of `id` (assigned on arrival); positions are computed,
so they move up by themselves when someone ahead leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
from sqlalchemy import and_, any_, bindparam, case, exists, func, insert, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from common.listing import Bound, Keyset, Listing
from common.read import Statement
from services.childcare.models import Child, Enrollment, Institution
from services.childcare.values import ACTIVE_STATUSES


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    id: int
    child_id: int
    child_name: str
    institution_id: int
    institution_name: str
    status: str
    start_date: date
    waitlist_position: int | None
    offer_expires_at: datetime | None
    applied_at: datetime
    status_changed_at: datetime


@dataclass(frozen=True, slots=True)
class ActiveApplication:
    id: int
    institution_id: int
    status: str


_ahead = aliased(Enrollment)
_POSITION = case(
    (
        Enrollment.status == "waitlisted",
        select(func.count())
        .where(
            _ahead.institution_id == Enrollment.institution_id,
            _ahead.status == "waitlisted",
            _ahead.id <= Enrollment.id,
        )
        .scalar_subquery(),
    ),
    else_=None,
)
ENROLLMENTS = (
    select(
        Enrollment.id,
        Enrollment.child_id,
        Child.name.label("child_name"),
        Enrollment.institution_id,
        Institution.name.label("institution_name"),
        Enrollment.status,
        Enrollment.start_date,
        _POSITION.label("waitlist_position"),
        Enrollment.offer_expires_at,
        Enrollment.applied_at,
        Enrollment.status_changed_at,
    )
    .join(Child, Child.id == Enrollment.child_id)
    .join(Institution, Institution.id == Enrollment.institution_id)
)
GET = Statement(ENROLLMENTS.where(Enrollment.id == bindparam("id")), EnrollmentRow)
GET_MINE = Statement(
    ENROLLMENTS.where(
        Enrollment.guardian_sub == bindparam("guardian"), Enrollment.id == bindparam("id")
    ),
    EnrollmentRow,
)
# a guardian's enrollments, newest first, with names and current positions
MINE = Listing(
    ENROLLMENTS,
    EnrollmentRow,
    filters={"guardian": Bound(lambda p: Enrollment.guardian_sub == p)},
    order=Keyset((Enrollment.id,), descending=True),
)
# the hot statements of apply, run on the transaction's driver connection
ACTIVE_OF_CHILD = Statement(
    select(Enrollment.id, Enrollment.institution_id, Enrollment.status).where(
        Enrollment.child_id == bindparam("child_id"),
        Enrollment.status == any_(array(list(ACTIVE_STATUSES))),
    ),
    ActiveApplication,
)
INSERT = Statement(
    insert(Enrollment)
    .values(
        child_id=bindparam("child_id"),
        child_identity=bindparam("child_identity"),
        institution_id=bindparam("institution_id"),
        guardian_sub=bindparam("guardian_sub"),
        status=bindparam("status"),
        start_date=bindparam("start_date"),
        applied_at=bindparam("now"),
        status_changed_at=bindparam("now"),
    )
    .returning(Enrollment.id)
)
# FIFO position (1 = next) of a waitlisted application
POSITION = Statement(
    select(func.count()).where(
        Enrollment.institution_id == bindparam("institution_id"),
        Enrollment.status == "waitlisted",
        Enrollment.id <= bindparam("id"),
    )
)


@dataclass(frozen=True, slots=True)
class InstitutionOfPlace:
    institution_id: int


PLACE_INSTITUTIONS = Statement(
    select(Enrollment.institution_id).where(
        Enrollment.guardian_sub == bindparam("guardian"),
        Enrollment.status == any_(array(["enrolled", "offered"])),
    ),
    InstitutionOfPlace,
)


async def place_institutions(conn: asyncpg.Connection, guardian_sub: str) -> set[int]:
    """Institutions where the guardian holds an enrolled or offered place (sees home addresses)."""
    return {r.institution_id for r in await PLACE_INSTITUTIONS.rows(conn, guardian=guardian_sub)}


# --- writes (the request's session) ----------------------------------------------------------


async def get_enrollment(
    session: AsyncSession,
    enrollment_id: int,
    *,
    guardian_sub: str | None = None,
    lock: bool = False,
) -> Enrollment | None:
    stmt = select(Enrollment).where(Enrollment.id == enrollment_id)
    if guardian_sub is not None:
        stmt = stmt.where(Enrollment.guardian_sub == guardian_sub)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def active_applications(session: AsyncSession, child_id: int) -> list[Enrollment]:
    stmt = select(Enrollment).where(
        Enrollment.child_id == child_id, Enrollment.status.in_(ACTIVE_STATUSES)
    )
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


async def identity_holds_place(session: AsyncSession, identity: str) -> bool:
    """Whether this child, by identity (any guardian's record of the ID), holds a place."""
    held = await session.scalar(
        select(Enrollment.id).where(
            Enrollment.child_identity == identity, Enrollment.status == "enrolled"
        )
    )
    return held is not None


async def waitlist_head(
    session: AsyncSession, institution_id: int, n: int
) -> list[tuple[Enrollment, date]]:
    """The first `n` waiting applications, FIFO, of children who hold no place anywhere (by
    identity), with each child's birth date; row-locked."""
    holder = aliased(Enrollment)
    stmt = (
        select(Enrollment, Child.birth_date)
        .join(Child, Child.id == Enrollment.child_id)
        .where(
            Enrollment.institution_id == institution_id,
            Enrollment.status == "waitlisted",
            ~exists().where(
                holder.child_identity == Enrollment.child_identity, holder.status == "enrolled"
            ),
        )
        .order_by(Enrollment.id)
        .limit(n)
        .with_for_update(of=Enrollment)
    )
    return [(e, birth) for e, birth in (await session.execute(stmt)).all()]


async def expired_offers(
    session: AsyncSession, institution_id: int, now: datetime
) -> list[Enrollment]:
    stmt = (
        select(Enrollment)
        .where(
            Enrollment.institution_id == institution_id,
            Enrollment.status == "offered",
            Enrollment.offer_expires_at < now,
        )
        .order_by(Enrollment.id)
        .with_for_update()
    )
    return list((await session.scalars(stmt)).all())


async def expired_offer_institutions(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[int]:
    rows = await session.scalars(
        select(Enrollment.institution_id)
        .where(Enrollment.status == "offered", Enrollment.offer_expires_at < now)
        .distinct()
        .limit(limit)
    )
    return [int(i) for i in rows.all()]


async def roster(
    session: AsyncSession, institution_id: int
) -> list[tuple[Enrollment, Child, bool, int | None]]:
    """Enrolled, offered and waitlisted applications with their child, whether the child's ID
    is also on another guardian's record, and the waitlist position."""
    twin = aliased(Child)
    duplicate = exists().where(twin.id_number_hash == Child.id_number_hash, twin.id != Child.id)
    stmt = (
        select(
            Enrollment,
            Child,
            and_(Child.id_number_hash.is_not(None), duplicate).label("suspected_duplicate"),
            _POSITION.label("waitlist_position"),
        )
        .join(Child, Child.id == Enrollment.child_id)
        .where(Enrollment.institution_id == institution_id, Enrollment.status.in_(ACTIVE_STATUSES))
        .order_by(Enrollment.id)
    )
    return [(e, c, d, p) for e, c, d, p in (await session.execute(stmt)).all()]
