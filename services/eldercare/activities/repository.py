"""Activity SQL: the row every read shapes, the search as a `Listing`; seats move in one
conditional UPDATE or under the activity's row lock. Registrations: registration_repository.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Chosen, Filter, Keyset, Listing
from common.ranked_listing import RankedListing, text_filter
from common.read import Statement
from services.eldercare.models import Activity, Community, Facility


@dataclass(frozen=True, slots=True)
class ActivityRow:
    id: int
    title: str
    category: str
    description: str
    community_id: int
    community_name: str
    district: str
    facility_id: int | None
    place: str
    lat: float
    lon: float
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registered: int
    waitlist_capacity: int
    waitlisted: int
    status: str


@dataclass(frozen=True)
class ActivityFilter:
    starts_from: datetime
    until: datetime | None = None
    category: str | None = None
    community_id: int | None = None
    district: str | None = None
    include_cancelled: bool = False
    q: str | None = None  # part of the title, its pinyin or initials (common/search.py)


ACTIVITIES = (
    select(
        Activity.id,
        Activity.title,
        Activity.category,
        Activity.description,
        Activity.community_id,
        Community.name.label("community_name"),
        Community.district,
        Activity.facility_id,
        Activity.place,
        func.coalesce(Facility.lat, Community.lat).label("lat"),
        func.coalesce(Facility.lon, Community.lon).label("lon"),
        Activity.starts_at,
        Activity.ends_at,
        Activity.capacity,
        Activity.registered,
        Activity.waitlist_capacity,
        Activity.waitlisted,
        Activity.status,
    )
    .join(Community, Community.id == Activity.community_id)
    .outerjoin(Facility, Facility.id == Activity.facility_id)
)
GET = Statement(ACTIVITIES.where(Activity.id == bindparam("id", type_=BigInteger)), ActivityRow)
_WHEN = DateTime(timezone=True)
# sessions in time order (then id) from `starts_from`; a search by `q` (the GIN index of the
# title's search document) is ranked: titles that are the term, that start with it, the rest,
# each in time order
_FILTERS: dict[str, Filter] = {
    "starts_from": Bound(lambda p: Activity.starts_at >= p, type_=_WHEN),
    "until": Bound(lambda p: Activity.starts_at < p, type_=_WHEN),
    "category": Bound(lambda p: Activity.category == p),
    "community_id": Bound(lambda p: Activity.community_id == p, type_=BigInteger),
    "district": Bound(lambda p: Community.district == p),
    "include_cancelled": Chosen(lambda v: None if v else Activity.status == "scheduled"),
    "q": text_filter(Activity.search),
}
SEARCH = Listing(
    ACTIVITIES, ActivityRow, filters=_FILTERS, order=Keyset((Activity.starts_at, Activity.id))
)
RANKED = RankedListing(
    ACTIVITIES,
    ActivityRow,
    filters=_FILTERS,
    order=Keyset((Activity.starts_at, Activity.id)),
    column=Activity.search,
)


def search_for(filters: ActivityFilter) -> Listing[ActivityRow]:
    """The list a search runs: ranked when it has a term."""
    return RANKED if filters.q else SEARCH


# --- writes (the request's session) ------------------------------------------------------------


async def take_seat(session: AsyncSession, activity_id: int, now: datetime) -> bool:
    """One conditional statement: a seat is taken only while one is free (and the session is
    scheduled and has not started)."""
    taken = await session.scalar(
        update(Activity)
        .where(
            Activity.id == activity_id,
            Activity.registered < Activity.capacity,
            Activity.status == "scheduled",
            Activity.starts_at > now,
        )
        .values(registered=Activity.registered + 1)
        .returning(Activity.id)
        .execution_options(synchronize_session=False)
    )
    return taken is not None


async def join_waitlist(session: AsyncSession, activity_id: int) -> bool:
    """A place on the waitlist, only while there is room (the caller holds the row lock)."""
    joined = await session.scalar(
        update(Activity)
        .where(Activity.id == activity_id, Activity.waitlisted < Activity.waitlist_capacity)
        .values(waitlisted=Activity.waitlisted + 1)
        .returning(Activity.id)
        .execution_options(synchronize_session=False)
    )
    return joined is not None


async def adjust(
    session: AsyncSession, activity_id: int, *, registered: int = 0, waitlisted: int = 0
) -> None:
    await session.execute(
        update(Activity)
        .where(Activity.id == activity_id)
        .values(
            registered=Activity.registered + registered,
            waitlisted=Activity.waitlisted + waitlisted,
        )
        .execution_options(synchronize_session=False)
    )
