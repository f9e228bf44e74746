"""All childcare SQL. Repositories flush, never commit: the request's unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.geo_query import keyset_select
from services.childcare.models import ACTIVE_STATUSES, Child, Enrollment, Institution


@dataclass(frozen=True)
class InstitutionFilter:
    district: str | None = None
    kind: str | None = None
    inclusive: bool | None = None
    demonstration: str | None = None
    has_vacancy: bool | None = None
    age_months: int | None = None
    max_fee_fen: int | None = None
    q: str | None = None
    near: tuple[float, float, int] | None = None  # WGS-84 lat, lon, radius metres


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search_institutions(
    session: AsyncSession, f: InstitutionFilter, *, limit: int, after: list[Any] | None
) -> list[tuple[Institution, float | None, float | None]]:
    """Returns (institution, distance_m, sort key) rows; keyset on (distance, id) or (id)."""
    conditions: list[ColumnElement[bool]] = []
    if f.district is not None:
        conditions.append(Institution.district == f.district)
    if f.kind is not None:
        conditions.append(Institution.kind == f.kind)
    if f.inclusive is not None:
        conditions.append(Institution.inclusive.is_(f.inclusive))
    if f.demonstration == "any":
        conditions.append(Institution.demonstration_level.is_not(None))
    elif f.demonstration == "none":
        conditions.append(Institution.demonstration_level.is_(None))
    elif f.demonstration is not None:
        conditions.append(Institution.demonstration_level == f.demonstration)
    if f.has_vacancy is True:
        conditions.append(Institution.enrolled + Institution.offered < Institution.capacity)
    elif f.has_vacancy is False:
        conditions.append(Institution.enrolled + Institution.offered >= Institution.capacity)
    if f.age_months is not None:
        conditions.append(
            and_(
                Institution.min_age_months <= f.age_months,
                Institution.max_age_months >= f.age_months,
            )
        )
    if f.max_fee_fen is not None:
        conditions.append(Institution.monthly_fee_fen <= f.max_fee_fen)
    if f.q:
        conditions.append(Institution.name.ilike(f"%{_escape_like(f.q)}%", escape="\\"))

    stmt = keyset_select(
        Institution,
        earth_loc=Institution.earth_loc,
        id_col=Institution.id,
        conditions=conditions,
        near=f.near,
        after=after,
        limit=limit,
    )
    rows = (await session.execute(stmt)).all()
    return [(row[0], row[1], row[2]) for row in rows]


async def get_institution(session: AsyncSession, institution_id: int) -> Institution | None:
    return await session.get(Institution, institution_id)


# --- children -------------------------------------------------------------------------------


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


# --- enrollments ----------------------------------------------------------------------------


async def lock_institutions(session: AsyncSession, ids: list[int]) -> dict[int, Institution]:
    """Locks institution rows in id order (a fixed order, so two transactions never deadlock)."""
    rows = (
        await session.scalars(
            select(Institution)
            .where(Institution.id.in_(sorted(set(ids))))
            .order_by(Institution.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    return {r.id: r for r in rows}


async def take_place(session: AsyncSession, institution_id: int, column: str) -> bool:
    """One conditional statement: a place is taken only while `enrolled + offered < capacity`."""
    counter = getattr(Institution, column)
    taken = await session.scalar(
        update(Institution)
        .where(
            Institution.id == institution_id,
            Institution.enrolled + Institution.offered < Institution.capacity,
        )
        .values({column: counter + 1, "vacancies_as_of": func.now()})
        .returning(Institution.id)
        .execution_options(synchronize_session=False)
    )
    return taken is not None


async def adjust_counts(
    session: AsyncSession, institution_id: int, *, enrolled: int = 0, offered: int = 0
) -> None:
    await session.execute(
        update(Institution)
        .where(Institution.id == institution_id)
        .values(
            enrolled=Institution.enrolled + enrolled,
            offered=Institution.offered + offered,
            vacancies_as_of=func.now(),
        )
        .execution_options(synchronize_session=False)
    )


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
