"""Institution SQL. Repositories flush, never commit: the request's unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.geo_query import keyset_select
from services.childcare.models import Institution


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
