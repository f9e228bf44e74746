"""Child SQL: the row every read shapes, the guardian's children as a `Listing`; writes in the
request's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Keyset, Listing
from common.read import Statement
from services.childcare.models import Child


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
