"""Child SQL: reads compiled once for the read path; writes in the request's session."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.childcare.models import Child

COLUMNS = (
    Child.id,
    Child.name,
    Child.birth_date,
    Child.id_number_masked,
    Child.created_at,
)
_MINE = select(*COLUMNS).where(Child.guardian_sub == bindparam("guardian"))
LIST_FIRST = Statement(_MINE.order_by(Child.id).limit(bindparam("limit")))
LIST_AFTER = Statement(
    _MINE.where(Child.id > bindparam("after_id")).order_by(Child.id).limit(bindparam("limit"))
)
GET = Statement(_MINE.where(Child.id == bindparam("id")))


async def list_children(
    conn: asyncpg.Connection, guardian_sub: str, *, limit: int, after_id: int | None
) -> Sequence[asyncpg.Record]:
    if after_id is None:
        return await LIST_FIRST.rows(conn, guardian=guardian_sub, limit=limit)
    return await LIST_AFTER.rows(conn, guardian=guardian_sub, limit=limit, after_id=after_id)


async def get(conn: asyncpg.Connection, guardian_sub: str, child_id: int) -> asyncpg.Record | None:
    return await GET.row(conn, guardian=guardian_sub, id=child_id)


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
