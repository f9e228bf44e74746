"""All childcare SQL. Repositories flush, never commit: the request's unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

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


def _earth_at(lat: float, lon: float) -> ColumnElement[Any]:
    return func.public.ll_to_earth(literal(lat, Float), literal(lon, Float))


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

    if f.near is None:
        stmt = select(Institution, literal(None, Float), literal(None, Float))
        if after:
            conditions.append(Institution.id > int(after[0]))
        stmt = stmt.where(*conditions).order_by(Institution.id).limit(limit)
    else:
        lat, lon, radius = f.near
        centre = _earth_at(lat, lon)
        # KNN: `<->` walks the GiST index in distance order; earth_box lets it prune by radius
        knn = Institution.earth_loc.op("<->", return_type=Float)(centre)
        distance = func.public.earth_distance(Institution.earth_loc, centre, type_=Float)
        conditions.append(func.public.earth_box(centre, radius).op("@>")(Institution.earth_loc))
        conditions.append(distance <= radius)
        if after:
            conditions.append(tuple_(knn, Institution.id) > tuple_(float(after[0]), int(after[1])))
        stmt = (
            select(Institution, distance, knn)
            .where(*conditions)
            .order_by(knn, Institution.id)
            .limit(limit)
        )
    rows = (await session.execute(stmt)).all()
    return [(row[0], row[1], row[2]) for row in rows]


async def get_institution(session: AsyncSession, institution_id: int) -> Institution | None:
    return await session.get(Institution, institution_id)
