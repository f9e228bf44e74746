"""The 15-minute circle (15分钟便民圈): what an elder reaches on foot from a point or from a
community's centre, grouped by kind, and which essential kinds are missing.

The walking model is `Settings.reach_m` / `Settings.walk_minutes`: a straight-line reach of
minutes × speed ÷ detour, and a facility's walk time of distance × detour ÷ speed.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from common.districts import District
from common.geo import CoordSys, Location
from common.read import Reader
from services.eldercare.config import Settings
from services.eldercare.facilities import repository
from services.eldercare.facilities.errors import CommunityNotFound
from services.eldercare.facilities.repository import InReach
from services.eldercare.facilities.schemas import (
    Circle,
    CircleFacility,
    CircleKind,
    CommunityRef,
    FacilityKind,
    WalkingModel,
)


def walking_model(settings: Settings, minutes: int) -> WalkingModel:
    return WalkingModel(
        minutes=minutes,
        speed_m_per_min=settings.walk_speed_m_per_min,
        detour_factor=settings.walk_detour_factor,
        reach_m=round(settings.reach_m(minutes), 1),
    )


def _kind_order(settings: Settings) -> list[FacilityKind]:
    essential = [FacilityKind(k) for k in settings.circle_essential_kinds]
    return essential + [k for k in FacilityKind if k not in essential]


def shape_circle(
    rows: Sequence[InReach],
    *,
    centre: tuple[float, float],
    community: CommunityRef | None,
    minutes: int,
    settings: Settings,
    coord_sys: CoordSys,
) -> Circle:
    groups: dict[FacilityKind, list[InReach]] = {}
    for row in rows:  # nearest first
        groups.setdefault(FacilityKind(row.kind), []).append(row)
    essential = [FacilityKind(k) for k in settings.circle_essential_kinds]
    by_kind = []
    for kind in _kind_order(settings):
        members = groups.get(kind)
        if not members:
            continue
        facilities = [
            CircleFacility.of(r, coord_sys, settings.walk_minutes(r.distance_m)) for r in members
        ]
        by_kind.append(
            CircleKind(
                kind=kind,
                essential=kind in essential,
                in_reach=members[0].in_kind,
                nearest_walk_minutes=facilities[0].walk_minutes,
                facilities=facilities,
            )
        )
    missing = [k for k in essential if k not in groups]
    return Circle(
        centre=Location.of(centre[0], centre[1], coord_sys),
        community=community,
        walking=walking_model(settings, minutes),
        essential_kinds=essential,
        missing_essential=missing,
        complete=not missing,
        facilities_in_reach=sum(k.in_reach for k in by_kind),
        by_kind=by_kind,
    )


async def _around(
    conn: asyncpg.Connection,
    *,
    centre: tuple[float, float],
    community: CommunityRef | None,
    minutes: int,
    per_kind: int,
    settings: Settings,
    coord_sys: CoordSys,
) -> Circle:
    rows = await repository.circle(
        conn,
        lat=centre[0],
        lon=centre[1],
        radius_m=settings.reach_m(minutes),
        per_kind=per_kind,
    )
    return shape_circle(
        rows,
        centre=centre,
        community=community,
        minutes=minutes,
        settings=settings,
        coord_sys=coord_sys,
    )


async def circle_at(
    reader: Reader,
    *,
    lat: float,
    lon: float,
    minutes: int,
    per_kind: int,
    settings: Settings,
    coord_sys: CoordSys,
) -> Circle:
    """The circle around a WGS-84 point."""
    async with reader.connection() as conn:
        return await _around(
            conn,
            centre=(lat, lon),
            community=None,
            minutes=minutes,
            per_kind=per_kind,
            settings=settings,
            coord_sys=coord_sys,
        )


async def community_circle(
    reader: Reader,
    *,
    community_id: int,
    minutes: int,
    per_kind: int,
    settings: Settings,
    coord_sys: CoordSys,
) -> Circle:
    """The circle around a community's centre."""
    async with reader.connection() as conn:
        community = await repository.GET_COMMUNITY.one(conn, CommunityNotFound, id=community_id)
        return await _around(
            conn,
            centre=(community.lat, community.lon),
            community=CommunityRef(
                id=community.id, name=community.name, district=District(community.district)
            ),
            minutes=minutes,
            per_kind=per_kind,
            settings=settings,
            coord_sys=coord_sys,
        )
