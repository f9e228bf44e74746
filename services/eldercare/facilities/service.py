"""Eldercare rules; routes call these."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from common.geo import CoordSys, Location
from common.pagination import CursorCodec, Page, keyset_page
from services.eldercare.facilities import repository
from services.eldercare.facilities.errors import FacilityNotFound
from services.eldercare.facilities.repository import FacilityFilter
from services.eldercare.facilities.schemas import FacilityRead
from services.eldercare.models import Facility


def facility_read(
    f: Facility, coord_sys: CoordSys, distance_m: float | None = None
) -> FacilityRead:
    return FacilityRead(
        id=f.id,
        name=f.name,
        kind=f.kind,
        district=f.district,
        street_office=f.street_office,
        community=f.community,
        address=f.address,
        location=Location.of(f.lat, f.lon, coord_sys),
        phone=f.phone,
        opening_hours=f.opening_hours,
        awards=list(f.awards),
        services=list(f.services),
        distance_m=None if distance_m is None else round(distance_m, 1),
    )


async def search_facilities(
    session: AsyncSession,
    *,
    filters: FacilityFilter,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[FacilityRead]:
    scope = repr(filters)
    after = codec.decode(cursor, scope) if cursor else None
    rows = await repository.search_facilities(session, filters, limit=limit + 1, after=after)
    return keyset_page(
        rows,
        limit=limit,
        codec=codec,
        scope=scope,
        shape=lambda f, d: facility_read(f, coord_sys, d),
    )


async def get_facility(
    session: AsyncSession, *, facility_id: int, coord_sys: CoordSys
) -> FacilityRead:
    f = await repository.get_facility(session, facility_id)
    if f is None:
        raise FacilityNotFound(f"Facility {facility_id} does not exist.")
    return facility_read(f, coord_sys)
