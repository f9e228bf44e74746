"""All eldercare SQL. Repositories flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.eldercare.models import Facility


@dataclass(frozen=True)
class FacilityFilter:
    kind: str | None = None
    district: str | None = None
    community: str | None = None
    near: tuple[float, float, int] | None = None  # WGS-84 lat, lon, radius metres


async def search_facilities(
    session: AsyncSession, f: FacilityFilter, *, limit: int, after: list[Any] | None
) -> list[tuple[Facility, float | None, float | None]]:
    """(facility, distance_m, sort key) rows; keyset on (distance, id) or (id)."""
    conditions: list[ColumnElement[bool]] = []
    if f.kind is not None:
        conditions.append(Facility.kind == f.kind)
    if f.district is not None:
        conditions.append(Facility.district == f.district)
    if f.community is not None:
        conditions.append(Facility.community == f.community)
    if f.near is None:
        if after:
            conditions.append(Facility.id > int(after[0]))
        stmt = (
            select(Facility, literal(None, Float), literal(None, Float))
            .where(*conditions)
            .order_by(Facility.id)
            .limit(limit)
        )
    else:
        lat, lon, radius = f.near
        centre = func.public.ll_to_earth(literal(lat, Float), literal(lon, Float))
        knn = Facility.earth_loc.op("<->", return_type=Float)(centre)
        distance = func.public.earth_distance(Facility.earth_loc, centre, type_=Float)
        conditions.append(func.public.earth_box(centre, radius).op("@>")(Facility.earth_loc))
        conditions.append(distance <= radius)
        if after:
            conditions.append(tuple_(knn, Facility.id) > tuple_(float(after[0]), int(after[1])))
        stmt = (
            select(Facility, distance, knn)
            .where(*conditions)
            .order_by(knn, Facility.id)
            .limit(limit)
        )
    rows = (await session.execute(stmt)).all()
    return [(r[0], r[1], r[2]) for r in rows]


async def get_facility(session: AsyncSession, facility_id: int) -> Facility | None:
    return await session.get(Facility, facility_id)
