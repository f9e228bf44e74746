"""Facility and community SQL: typed rows, one statement per read, the searches as `Listing`s,
the 15-minute circle and its coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import (
    Float,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    cast,
    func,
    outerjoin,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, array

from common.geo import Earth
from common.listing import Bound, Filter, Keyset, Listing
from common.opening_hours import open_now_filters
from common.ranked_listing import RankedListing, text_filter
from common.read import Statement
from services.eldercare.models import Community, Facility


@dataclass(frozen=True, slots=True)
class FacilityRow:
    id: int
    name: str
    kind: str
    district: str
    community_id: int
    community: str
    street_office: str
    address: str
    lat: float
    lon: float
    phone: str | None
    opening_hours: str
    weekly_hours: Any  # jsonb: text on the driver
    awards: Any  # jsonb: text on the driver
    services: list[str]


@dataclass(frozen=True, slots=True)
class FacilityHit(FacilityRow):
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class InReach(FacilityRow):
    """A facility within a circle's reach, the nearest `per_kind` of its kind."""

    distance_m: float
    rank_in_kind: int
    in_kind: int  # how many of its kind are in reach


@dataclass(frozen=True, slots=True)
class CommunityRow:
    id: int
    name: str
    district: str
    street_office: str
    lat: float
    lon: float
    awards: Any  # jsonb: text on the driver
    programmes: Any
    facilities: int


@dataclass(frozen=True, slots=True)
class CommunityHit(CommunityRow):
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class CoverageRow:
    id: int
    name: str
    district: str
    kinds: list[str]


@dataclass(frozen=True, slots=True)
class KindCount:
    district: str
    kind: str
    n: int


@dataclass(frozen=True)
class FacilityFilter:
    kind: str | None = None
    district: str | None = None
    community: str | None = None  # a community's name
    community_id: int | None = None
    # `open_now`: the city's week minute it is asked at (`LocalMoment.week_minute`)
    open_at: int | None = None
    closed_at: int | None = None
    q: str | None = None  # part of the name, its pinyin or initials (common/search.py)


@dataclass(frozen=True)
class CommunityFilter:
    district: str | None = None


# a facility with what it takes from its community (name, street office, awards)
FACILITY_COLUMNS = (
    Facility.id,
    Facility.name,
    Facility.kind,
    Facility.district,
    Facility.community_id,
    Community.name.label("community"),
    Community.street_office,
    Facility.address,
    Facility.lat,
    Facility.lon,
    Facility.phone,
    Facility.opening_hours,
    Facility.weekly_hours,
    Community.awards,
    Facility.services,
)
OF_COMMUNITY = Facility.community_id == Community.id
FACILITIES = select(*FACILITY_COLUMNS).where(OF_COMMUNITY)
GET_FACILITY = Statement(FACILITIES.where(Facility.id == bindparam("id")), FacilityRow)
# by id, or nearest first with a centre; a search by `q` without a centre is ranked (names
# that are the term, that start with it, the rest), each by id. `q` walks the GIN index of the
# name's search document
_FACILITY_FILTERS: dict[str, Filter] = {
    "kind": Bound(lambda p: Facility.kind == p),
    "district": Bound(lambda p: Facility.district == p),
    "community": Bound(lambda p: Community.name == p),
    "community_id": Bound(lambda p: Facility.community_id == p),
    "q": text_filter(Facility.search),
    **open_now_filters(Facility.weekly_hours),
}
SEARCH_FACILITIES = Listing(
    FACILITIES,
    FacilityHit,
    filters=_FACILITY_FILTERS,
    order=Keyset((Facility.id,)),
    nearest=Facility.earth_loc,
)
RANKED_FACILITIES = RankedListing(
    FACILITIES,
    FacilityHit,
    filters=_FACILITY_FILTERS,
    order=Keyset((Facility.id,)),
    column=Facility.search,
    nearest=Facility.earth_loc,
)


def facility_search_for(filters: FacilityFilter, *, near: bool) -> Listing[FacilityHit]:
    """The list a search runs: ranked when it has a term and no centre."""
    return RANKED_FACILITIES if filters.q and not near else SEARCH_FACILITIES


_FACILITY_COUNT = (
    select(func.count())
    .where(Facility.community_id == Community.id)
    .correlate(Community)
    .scalar_subquery()
)
COMMUNITIES = select(
    Community.id,
    Community.name,
    Community.district,
    Community.street_office,
    Community.lat,
    Community.lon,
    Community.awards,
    Community.programmes,
    _FACILITY_COUNT.label("facilities"),
)
GET_COMMUNITY = Statement(COMMUNITIES.where(Community.id == bindparam("id")), CommunityRow)
SEARCH_COMMUNITIES = Listing(
    COMMUNITIES,
    CommunityHit,
    filters={"district": Bound(lambda p: Community.district == p)},
    order=Keyset((Community.id,)),
    nearest=Community.earth_loc,
)


# --- the 15-minute circle --------------------------------------------------------------------
# Every facility within the reach of a centre, at most `per_kind` of each kind (the nearest),
# with how many of that kind are in reach. `earth_box @>` walks the GiST index on `earth_loc`
# (a bitmap index scan, not a scan of the table); the great-circle distance filters exactly.
_CENTRE = func.public.ll_to_earth(
    bindparam("lat", type_=Float), bindparam("lon", type_=Float), type_=Earth()
)
_RADIUS = bindparam("radius_m", type_=Float)
_DISTANCE = func.public.earth_distance(Facility.earth_loc, _CENTRE, type_=Float)
_IN_REACH = (
    select(
        *FACILITY_COLUMNS,
        _DISTANCE.label("distance_m"),
        func.row_number()
        .over(partition_by=Facility.kind, order_by=(_DISTANCE, Facility.id))
        .label("rank_in_kind"),
        func.count().over(partition_by=Facility.kind).label("in_kind"),
    )
    .where(
        OF_COMMUNITY,
        func.public.earth_box(_CENTRE, _RADIUS).op("@>")(Facility.earth_loc),
        _DISTANCE <= _RADIUS,
    )
    .subquery("in_reach")
)
CIRCLE = Statement(
    select(_IN_REACH)
    .where(_IN_REACH.c.rank_in_kind <= bindparam("per_kind", type_=Integer))
    .order_by(_IN_REACH.c.distance_m, _IN_REACH.c.id),
    InReach,
)

# Which of the given kinds each community's circle holds, for every community at once: one
# index probe per community (nested loop over the GiST index), grouped by community.
_near = Facility.earth_loc
_COMMUNITY_REACH = func.public.earth_distance(_near, Community.earth_loc, type_=Float)
COVERAGE = Statement(
    select(
        Community.id,
        Community.name,
        Community.district,
        func.coalesce(
            func.array_agg(func.distinct(Facility.kind)).filter(Facility.kind.is_not(None)),
            cast(array([], type_=String), ARRAY(String)),
        ).label("kinds"),
    )
    .select_from(
        outerjoin(
            Community,
            Facility,
            and_(
                func.public.earth_box(Community.earth_loc, _RADIUS).op("@>")(_near),
                _COMMUNITY_REACH <= _RADIUS,
                Facility.kind == any_(bindparam("kinds", type_=ARRAY(String))),
            ),
        )
    )
    .group_by(Community.id)
    .order_by(Community.id),
    CoverageRow,
)


async def circle(
    conn: asyncpg.Connection, *, lat: float, lon: float, radius_m: float, per_kind: int
) -> list[InReach]:
    return await CIRCLE.rows(conn, lat=lat, lon=lon, radius_m=radius_m, per_kind=per_kind)


async def coverage(
    conn: asyncpg.Connection, *, radius_m: float, kinds: Sequence[str]
) -> list[CoverageRow]:
    """(id, name, district, kinds in reach among `kinds`) of every community."""
    return await COVERAGE.rows(conn, radius_m=radius_m, kinds=list(kinds))
