"""Loads the eldercare demo data once: communities and facilities (demo_places.py)."""

from __future__ import annotations

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.eldercare import demo_places
from services.eldercare.models import Activity, Community, Elder, Facility


async def _clear_old_demo(session: AsyncSession) -> None:
    """A database seeded before communities and activities existed holds only the old demo
    facilities (migrated to communities): replace them, as nothing else refers to them."""
    if await session.scalar(select(exists().where(Activity.id.is_not(None)))) or (
        await session.scalar(select(exists().where(Elder.id.is_not(None))))
    ):
        return
    await session.execute(delete(Facility))
    await session.execute(delete(Community))


async def seed(session: AsyncSession) -> bool:
    """Inserts the demo data unless 兴康社区 has its programmes already; True if it inserted."""
    xingkang = select(Community.id).where(
        Community.name == demo_places.XINGKANG.name,
        func.jsonb_array_length(Community.programmes) > 0,
    )
    if await session.scalar(select(exists(xingkang))):
        return False
    await _clear_old_demo(session)
    places = demo_places.communities()
    ids: dict[str, int] = {}
    for c in places:
        row = Community(
            name=c.name,
            district=c.district.value,
            street_office=c.street_office,
            lat=c.centre[0],
            lon=c.centre[1],
            awards=list(c.awards),
            programmes=list(c.programmes),
        )
        session.add(row)
        await session.flush()
        ids[c.name] = row.id
    session.add_all(
        Facility(
            name=f.name,
            kind=f.kind,
            district=f.district,
            community_id=ids[f.community],
            address=f.address,
            lat=f.lat,
            lon=f.lon,
            phone=f.phone,
            opening_hours=f.opening_hours,
            services=list(f.services),
        )
        for f in demo_places.facilities(places)
    )
    await session.flush()
    return True
