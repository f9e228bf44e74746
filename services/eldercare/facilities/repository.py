"""Facility and community SQL: statements compiled once for the read path (`common.read`),
one per filter shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import (
    ColumnElement,
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
from common.geo_query import keyset_params, keyset_statement
from common.read import Statement
from services.eldercare.models import Community, Facility


@dataclass(frozen=True)
class FacilityFilter:
    kind: str | None = None
    district: str | None = None
    community: str | None = None  # a community's name
    community_id: int | None = None
    near: tuple[float, float, int] | None = None  # WGS-84 lat, lon, radius metres


@dataclass(frozen=True)
class CommunityFilter:
    district: str | None = None
    near: tuple[float, float, int] | None = None


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
    Community.awards,
    Facility.services,
)
OF_COMMUNITY = Facility.community_id == Community.id
GET_FACILITY = Statement(
    select(*FACILITY_COLUMNS).where(OF_COMMUNITY, Facility.id == bindparam("id"))
)

_FACILITY_COUNT = (
    select(func.count())
    .where(Facility.community_id == Community.id)
    .correlate(Community)
    .scalar_subquery()
)
COMMUNITY_COLUMNS = (
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
GET_COMMUNITY = Statement(select(*COMMUNITY_COLUMNS).where(Community.id == bindparam("id")))


@lru_cache(maxsize=64)
def _facility_search(
    kind: bool, district: bool, community: bool, community_id: bool, near: bool, after: bool
) -> Statement[asyncpg.Record]:
    conditions: list[ColumnElement[bool]] = [OF_COMMUNITY]
    if kind:
        conditions.append(Facility.kind == bindparam("kind"))
    if district:
        conditions.append(Facility.district == bindparam("district"))
    if community:
        conditions.append(Community.name == bindparam("community"))
    if community_id:
        conditions.append(Facility.community_id == bindparam("community_id"))
    return Statement(
        keyset_statement(
            FACILITY_COLUMNS,
            earth_loc=Facility.earth_loc,
            id_col=Facility.id,
            conditions=conditions,
            near=near,
            after=after,
        )
    )


async def search_facilities(
    conn: asyncpg.Connection, f: FacilityFilter, *, limit: int, after: list[Any] | None
) -> Sequence[asyncpg.Record]:
    """`limit + 1` rows of one keyset page, by id or nearest first."""
    params = keyset_params(f.near, after, limit)
    for name in ("kind", "district", "community", "community_id"):
        if (value := getattr(f, name)) is not None:
            params[name] = value
    statement = _facility_search(
        f.kind is not None,
        f.district is not None,
        f.community is not None,
        f.community_id is not None,
        f.near is not None,
        bool(after),
    )
    return await statement.rows(conn, **params)


async def get_facility(conn: asyncpg.Connection, facility_id: int) -> asyncpg.Record | None:
    return await GET_FACILITY.row(conn, id=facility_id)


@lru_cache(maxsize=16)
def _community_search(district: bool, near: bool, after: bool) -> Statement[asyncpg.Record]:
    conditions = [Community.district == bindparam("district")] if district else []
    return Statement(
        keyset_statement(
            COMMUNITY_COLUMNS,
            earth_loc=Community.earth_loc,
            id_col=Community.id,
            conditions=conditions,
            near=near,
            after=after,
        )
    )


async def search_communities(
    conn: asyncpg.Connection, f: CommunityFilter, *, limit: int, after: list[Any] | None
) -> Sequence[asyncpg.Record]:
    params = keyset_params(f.near, after, limit)
    if f.district is not None:
        params["district"] = f.district
    statement = _community_search(f.district is not None, f.near is not None, bool(after))
    return await statement.rows(conn, **params)


async def get_community(conn: asyncpg.Connection, community_id: int) -> asyncpg.Record | None:
    return await GET_COMMUNITY.row(conn, id=community_id)


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
    .order_by(_IN_REACH.c.distance_m, _IN_REACH.c.id)
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
    .order_by(Community.id)
)


async def circle(
    conn: asyncpg.Connection, *, lat: float, lon: float, radius_m: float, per_kind: int
) -> Sequence[asyncpg.Record]:
    return await CIRCLE.rows(conn, lat=lat, lon=lon, radius_m=radius_m, per_kind=per_kind)


async def coverage(
    conn: asyncpg.Connection, *, radius_m: float, kinds: Sequence[str]
) -> Sequence[asyncpg.Record]:
    """(id, name, district, kinds in reach among `kinds`) of every community."""
    return await COVERAGE.rows(conn, radius_m=radius_m, kinds=list(kinds))


# --- statistics ----------------------------------------------------------------------------
FACILITIES_BY_DISTRICT_KIND = Statement(
    select(Facility.district, Facility.kind, func.count().label("n")).group_by(
        Facility.district, Facility.kind
    )
)
