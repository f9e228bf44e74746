"""Child SQL: the row every read shapes, the guardian's children as a `Listing`; writes in the
request's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, and_, bindparam, cast, delete, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from common.listing import Bound, Keyset, Listing
from common.read import Statement
from services.childcare.models import (
    Child,
    Enrollment,
    Institution,
    idempotency_key,
    notification_inbox,
    notification_outbox,
)
from services.childcare.values import ACTIVE_STATUSES, EnrollmentStatus


@dataclass(frozen=True, slots=True)
class ChildRow:
    id: int
    name: str
    birth_date: date
    id_number_masked: str | None
    created_at: datetime


_CHILDREN = select(Child.id, Child.name, Child.birth_date, Child.id_number_masked, Child.created_at)
_GUARDIAN = Child.guardian_sub == bindparam("guardian")
GET = Statement(_CHILDREN.where(_GUARDIAN, Child.id == bindparam("id")), ChildRow)
# a guardian's children, in the order they were registered
MINE = Listing(
    _CHILDREN,
    ChildRow,
    filters={"guardian": Bound(lambda p: Child.guardian_sub == p)},
    order=Keyset((Child.id,)),
)


# --- writes (the request's session) ----------------------------------------------------------


async def lock_child(session: AsyncSession, guardian_sub: str, child_id: int) -> Child | None:
    """The guardian's child, row-locked: one child's applications change one at a time."""
    return await session.scalar(
        select(Child)
        .where(Child.id == child_id, Child.guardian_sub == guardian_sub)
        .with_for_update()
    )


async def registered_by(session: AsyncSession, guardian_sub: str, id_hash: str) -> bool:
    """Whether this guardian already registered a child with this national ID."""
    found = await session.scalar(
        select(Child.id).where(Child.guardian_sub == guardian_sub, Child.id_number_hash == id_hash)
    )
    return found is not None


async def lock_guardian(session: AsyncSession, guardian_sub: str) -> None:
    """Serialises one guardian's registrations and corrections until the transaction ends, so
    a correction never meets a unique violation (whose server log would carry the child's name
    and birth date): it asks first, and nobody can take the key in between."""
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended("child:" + guardian_sub, 0)))
    )


async def taken_by_sibling(
    session: AsyncSession,
    guardian_sub: str,
    child_id: int,
    *,
    name: str,
    birth_date: date,
    id_hash: str | None,
) -> bool:
    """Whether another of this guardian's children has this name and birth date, or this ID."""
    same: ColumnElement[bool] = (Child.name == name) & (Child.birth_date == birth_date)
    if id_hash is not None:
        same = or_(same, Child.id_number_hash == id_hash)
    found = await session.scalar(
        select(Child.id).where(Child.guardian_sub == guardian_sub, Child.id != child_id, same)
    )
    return found is not None


@dataclass(frozen=True, slots=True)
class ActiveRange:
    institution_name: str
    start_date: date
    min_age_months: int
    max_age_months: int


async def active_ranges(session: AsyncSession, child_id: int) -> list[ActiveRange]:
    """The age range and start date of each of the child's active applications."""
    rows = await session.execute(
        select(
            Institution.name,
            Enrollment.start_date,
            Institution.min_age_months,
            Institution.max_age_months,
        )
        .join(Institution, Institution.id == Enrollment.institution_id)
        .where(Enrollment.child_id == child_id, Enrollment.status.in_(ACTIVE_STATUSES))
        .order_by(Enrollment.id)
    )
    return [ActiveRange(*row) for row in rows]


async def has_active_application(session: AsyncSession, child_id: int) -> bool:
    return bool(await active_ranges(session, child_id))


async def holds_place(session: AsyncSession, child_id: int) -> bool:
    """Whether the child holds a place or has an open offer (what erasure must not destroy)."""
    live = (EnrollmentStatus.enrolled.value, EnrollmentStatus.offered.value)
    found = await session.scalar(
        select(Enrollment.id).where(Enrollment.child_id == child_id, Enrollment.status.in_(live))
    )
    return found is not None


async def erase(session: AsyncSession, guardian_sub: str, child_id: int) -> None:
    """Removes the child and everything that carries their data: the applications (waiting ones
    included: the positions behind move up by themselves, they are computed) and the stored
    idempotent answers that repeat the child's record or an application of the child, and the
    notices of those applications (their text names the child), pushed or not."""
    subjects = select(literal("enrollment/") + cast(Enrollment.id, String)).where(
        Enrollment.child_id == child_id
    )
    for notices in (notification_outbox, notification_inbox):
        await session.execute(delete(notices).where(notices.c.subject.in_(subjects)))
    stored = idempotency_key.c
    await session.execute(
        delete(idempotency_key).where(
            stored.principal == guardian_sub,
            or_(
                # the registration's answer (a ChildRead: an id with an age in months)
                and_(
                    stored.response_body.contains({"id": child_id}),
                    stored.response_body.has_key("age_months"),
                ),
                stored.response_body.contains({"child_id": child_id}),
            ),
        )
    )
    await session.execute(delete(Enrollment).where(Enrollment.child_id == child_id))
    await session.execute(delete(Child).where(Child.id == child_id))
