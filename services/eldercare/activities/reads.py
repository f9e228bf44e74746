"""What anyone reads about activities, and what a citizen reads about their registrations, on
the read path (no transaction)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from common.auth import Principal
from common.geo import CoordSys
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.eldercare.activities import registration_repository, repository
from services.eldercare.activities.errors import ActivityNotFound
from services.eldercare.activities.repository import ActivityFilter
from services.eldercare.activities.schemas import ActivityRead, RegistrationRead
from services.eldercare.elders import repository as elder_repository


async def search_activities(
    reader: Reader,
    *,
    filters: ActivityFilter,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[ActivityRead]:
    """Sessions in time order from `filters.starts_from`."""
    async with reader.connection() as conn:
        return await repository.search_for(filters).page(
            conn,
            filters,
            limit=limit,
            cursor=cursor,
            codec=codec,
            # `from` defaults to now, which moves between pages; the cursor's position bounds them
            scope=f"activities:{replace(filters, starts_from=datetime.min)!r}",
            shape=lambda row: ActivityRead.of(row, coord_sys),
        )


async def get_activity(reader: Reader, *, activity_id: int, coord_sys: CoordSys) -> ActivityRead:
    row = await reader.one(repository.GET, ActivityNotFound, id=activity_id)
    return ActivityRead.of(row, coord_sys)


async def my_registrations(
    reader: Reader, *, principal: Principal, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[RegistrationRead]:
    """Registrations the caller made, and those of elders they may act for; newest first."""
    async with reader.connection() as conn:
        elders = await elder_repository.visible(conn, principal.sub)
        return await registration_repository.MINE.page(
            conn,
            {},
            params={"sub": principal.sub, "elder_ids": list(elders)},
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope="registrations",
            shape=RegistrationRead.of,
        )
