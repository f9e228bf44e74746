"""What anyone reads about activities, and what a citizen reads about their registrations, on
the read path (no transaction)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from common.auth import Principal
from common.geo import CoordSys
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.eldercare.activities import repository
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
    # `from` defaults to now, which moves between pages; the cursor's position bounds them
    scope = f"activities:{replace(filters, starts_from=datetime.min)!r}"
    after = None
    if cursor:
        at, last_id = codec.decode(cursor, scope)
        after = (datetime.fromisoformat(str(at)), int(last_id))
    async with reader.connection() as conn:
        rows = await repository.search(conn, filters, limit=limit + 1, after=after)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = codec.encode([last["starts_at"].isoformat(), last["id"]], scope)
    items = [ActivityRead.of(r, coord_sys) for r in rows[:limit]]
    return Page[ActivityRead](items=items, next_cursor=next_cursor)


async def get_activity(reader: Reader, *, activity_id: int, coord_sys: CoordSys) -> ActivityRead:
    async with reader.connection() as conn:
        row = await repository.get(conn, activity_id)
    if row is None:
        raise ActivityNotFound(f"Activity {activity_id} does not exist.")
    return ActivityRead.of(row, coord_sys)


async def my_registrations(
    reader: Reader, *, principal: Principal, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[RegistrationRead]:
    """Registrations the caller made, and those of elders they may act for; newest first."""
    before = codec.decode(cursor, "registrations") if cursor else None
    async with reader.connection() as conn:
        elders = await elder_repository.visible(conn, principal.sub)
        rows = await repository.mine(
            conn,
            principal.sub,
            list(elders),
            limit=limit + 1,
            before_id=int(before[0]) if before else None,
        )
    items = [RegistrationRead.of(r) for r in rows[:limit]]
    next_cursor = codec.encode([items[-1].id], "registrations") if len(rows) > limit else None
    return Page[RegistrationRead](items=items, next_cursor=next_cursor)
