"""Enrollment SQL: applications, the FIFO waitlist and its positions, offers, rosters."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.childcare.models import ACTIVE_STATUSES, Child, Enrollment, Institution


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
    return list(
        (
            await session.scalars(
                select(Enrollment).where(
                    Enrollment.child_id == child_id, Enrollment.status.in_(ACTIVE_STATUSES)
                )
            )
        ).all()
    )


async def waitlist_head(session: AsyncSession, institution_id: int, n: int) -> list[Enrollment]:
    return list(
        (
            await session.scalars(
                select(Enrollment)
                .where(
                    Enrollment.institution_id == institution_id, Enrollment.status == "waitlisted"
                )
                .order_by(Enrollment.id)
                .limit(n)
                .with_for_update()
            )
        ).all()
    )


async def waitlist_positions(session: AsyncSession, enrollment_ids: list[int]) -> dict[int, int]:
    """Current FIFO positions (1 = next) of the given waitlisted enrollments."""
    if not enrollment_ids:
        return {}
    institutions = select(Enrollment.institution_id).where(Enrollment.id.in_(enrollment_ids))
    ranked = (
        select(
            Enrollment.id,
            func.row_number()
            .over(partition_by=Enrollment.institution_id, order_by=Enrollment.id)
            .label("position"),
        )
        .where(Enrollment.status == "waitlisted", Enrollment.institution_id.in_(institutions))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.id, ranked.c.position).where(ranked.c.id.in_(enrollment_ids))
    )
    return {int(i): int(p) for i, p in rows.all()}


async def list_enrollments(
    session: AsyncSession, guardian_sub: str, *, limit: int, before_id: int | None
) -> list[tuple[Enrollment, str, str]]:
    """The guardian's enrollments newest first, with child and institution names."""
    stmt = (
        select(Enrollment, Child.name, Institution.name)
        .join(Child, Child.id == Enrollment.child_id)
        .join(Institution, Institution.id == Enrollment.institution_id)
        .where(Enrollment.guardian_sub == guardian_sub)
    )
    if before_id is not None:
        stmt = stmt.where(Enrollment.id < before_id)
    rows = await session.execute(stmt.order_by(Enrollment.id.desc()).limit(limit))
    return [(e, c, i) for e, c, i in rows.all()]


async def names_of(session: AsyncSession, enrollment: Enrollment) -> tuple[str, str]:
    row = (
        await session.execute(
            select(Child.name, Institution.name)
            .join(Institution, Institution.id == enrollment.institution_id)
            .where(Child.id == enrollment.child_id)
        )
    ).one()
    return str(row[0]), str(row[1])


async def roster(session: AsyncSession, institution_id: int) -> list[tuple[Enrollment, Child]]:
    rows = await session.execute(
        select(Enrollment, Child)
        .join(Child, Child.id == Enrollment.child_id)
        .where(Enrollment.institution_id == institution_id, Enrollment.status.in_(ACTIVE_STATUSES))
        .order_by(Enrollment.id)
    )
    return [(e, c) for e, c in rows.all()]


async def expired_offer_institutions(session: AsyncSession, limit: int = 100) -> list[int]:
    rows = await session.scalars(
        select(Enrollment.institution_id)
        .where(Enrollment.status == "offered", Enrollment.offer_expires_at < func.now())
        .distinct()
        .limit(limit)
    )
    return [int(i) for i in rows.all()]


async def expired_offers(session: AsyncSession, institution_id: int) -> list[Enrollment]:
    return list(
        (
            await session.scalars(
                select(Enrollment)
                .where(
                    Enrollment.institution_id == institution_id,
                    Enrollment.status == "offered",
                    Enrollment.offer_expires_at < func.now(),
                )
                .order_by(Enrollment.id)
                .with_for_update()
            )
        ).all()
    )


async def viewer_place_institutions(session: AsyncSession, guardian_sub: str) -> set[int]:
    """Institutions where the guardian holds an enrolled or offered place (sees home addresses)."""
    rows = await session.scalars(
        select(Enrollment.institution_id).where(
            Enrollment.guardian_sub == guardian_sub, Enrollment.status.in_(("enrolled", "offered"))
        )
    )
    return {int(i) for i in rows.all()}
