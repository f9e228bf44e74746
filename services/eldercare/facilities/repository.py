"""All eldercare SQL. Repositories flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from common.geo_query import keyset_select
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
    stmt = keyset_select(
        Facility,
        earth_loc=Facility.earth_loc,
        id_col=Facility.id,
        conditions=conditions,
        near=f.near,
        after=after,
        limit=limit,
    )
    rows = (await session.execute(stmt)).all()
    return [(r[0], r[1], r[2]) for r in rows]


async def get_facility(session: AsyncSession, facility_id: int) -> Facility | None:
    return await session.get(Facility, facility_id)
