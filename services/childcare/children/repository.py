"""Child SQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.childcare.models import Child


async def list_children(
    session: AsyncSession, guardian_sub: str, *, limit: int, after_id: int | None
) -> list[Child]:
    stmt = select(Child).where(Child.guardian_sub == guardian_sub)
    if after_id is not None:
        stmt = stmt.where(Child.id > after_id)
    return list((await session.scalars(stmt.order_by(Child.id).limit(limit))).all())


async def get_child(session: AsyncSession, guardian_sub: str, child_id: int) -> Child | None:
    return await session.scalar(
        select(Child).where(Child.id == child_id, Child.guardian_sub == guardian_sub)
    )
