"""The public directory of facilities and communities, on the read path."""

from __future__ import annotations

from dataclasses import replace

from common.geo import CoordSys
from common.opening_hours import LocalMoment
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.eldercare.facilities import repository
from services.eldercare.facilities.errors import CommunityNotFound, FacilityNotFound
from services.eldercare.facilities.repository import CommunityFilter, FacilityFilter
from services.eldercare.facilities.schemas import CommunityRead, FacilityRead


async def search_facilities(
    reader: Reader,
    *,
    filters: FacilityFilter,
    near: tuple[float, float, int] | None,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    at: LocalMoment,
) -> Page[FacilityRead]:
    """One page of facilities, nearest first when a centre is given."""
    asked = filters.open_at is not None, filters.closed_at is not None
    async with reader.connection() as conn:
        return await repository.facility_search_for(filters, near=near is not None).page(
            conn,
            filters,
            near=near,
            limit=limit,
            cursor=cursor,
            codec=codec,
            # the moment of `open_now` moves between pages; whether it was asked does not
            scope=repr((replace(filters, open_at=None, closed_at=None), asked, near)),
            shape=lambda hit: FacilityRead.of(hit, coord_sys, at=at, distance_m=hit.distance_m),
        )


async def get_facility(
    reader: Reader, *, facility_id: int, coord_sys: CoordSys, at: LocalMoment
) -> FacilityRead:
    row = await reader.one(repository.GET_FACILITY, FacilityNotFound, id=facility_id)
    return FacilityRead.of(row, coord_sys, at=at)


async def search_communities(
    reader: Reader,
    *,
    filters: CommunityFilter,
    near: tuple[float, float, int] | None,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[CommunityRead]:
    async with reader.connection() as conn:
        return await repository.SEARCH_COMMUNITIES.page(
            conn,
            filters,
            near=near,
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope="communities:" + repr((filters, near)),
            shape=lambda hit: CommunityRead.of(hit, coord_sys, distance_m=hit.distance_m),
        )


async def get_community(reader: Reader, *, community_id: int, coord_sys: CoordSys) -> CommunityRead:
    row = await reader.one(repository.GET_COMMUNITY, CommunityNotFound, id=community_id)
    return CommunityRead.of(row, coord_sys)
