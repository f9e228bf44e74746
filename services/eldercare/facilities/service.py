"""The public directory of facilities and communities, on the read path."""

from __future__ import annotations

from common.geo import CoordSys
from common.pagination import CursorCodec, Page, page_of_rows
from common.read import Reader
from services.eldercare.facilities import repository
from services.eldercare.facilities.errors import CommunityNotFound, FacilityNotFound
from services.eldercare.facilities.repository import CommunityFilter, FacilityFilter
from services.eldercare.facilities.schemas import CommunityRead, FacilityRead


async def search_facilities(
    reader: Reader,
    *,
    filters: FacilityFilter,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[FacilityRead]:
    """One page of facilities, nearest first when a centre is given."""
    scope = repr(filters)
    after = codec.decode(cursor, scope) if cursor else None
    async with reader.connection() as conn:
        rows = await repository.search_facilities(conn, filters, limit=limit, after=after)
    return page_of_rows(
        rows,
        limit=limit,
        codec=codec,
        scope=scope,
        shape=lambda r: FacilityRead.of(r, coord_sys),
    )


async def get_facility(reader: Reader, *, facility_id: int, coord_sys: CoordSys) -> FacilityRead:
    async with reader.connection() as conn:
        row = await repository.get_facility(conn, facility_id)
    if row is None:
        raise FacilityNotFound(f"Facility {facility_id} does not exist.")
    return FacilityRead.of(row, coord_sys)


async def search_communities(
    reader: Reader,
    *,
    filters: CommunityFilter,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[CommunityRead]:
    scope = "communities:" + repr(filters)
    after = codec.decode(cursor, scope) if cursor else None
    async with reader.connection() as conn:
        rows = await repository.search_communities(conn, filters, limit=limit, after=after)
    return page_of_rows(
        rows,
        limit=limit,
        codec=codec,
        scope=scope,
        shape=lambda r: CommunityRead.of(r, coord_sys),
    )


async def get_community(reader: Reader, *, community_id: int, coord_sys: CoordSys) -> CommunityRead:
    async with reader.connection() as conn:
        row = await repository.get_community(conn, community_id)
    if row is None:
        raise CommunityNotFound(f"Community {community_id} does not exist.")
    return CommunityRead.of(row, coord_sys)
