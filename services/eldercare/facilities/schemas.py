"""HTTP shapes of facilities and communities: `FacilityRead`, `CommunityRead`, `Award`."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from common.districts import District
from common.geo import CoordSys, Location
from common.opening_hours import LocalMoment, OpeningInterval, is_open_weekly, week_of

if TYPE_CHECKING:
    from services.eldercare.facilities.repository import CommunityRow, FacilityRow, InReach


class FacilityKind(StrEnum):
    home_care_centre = "home_care_centre"
    health_station = "health_station"
    culture_sports_centre = "culture_sports_centre"
    canteen = "canteen"
    day_care = "day_care"
    elder_university = "elder_university"
    pharmacy = "pharmacy"
    grocery = "grocery"
    service_platform = "service_platform"


class Award(BaseModel):
    title: str = Field(examples=["全国示范性老年友好型社区"])
    year: int | None = Field(None, examples=[2022])
    note: str | None = Field(None, examples=["2022年推荐名单"])


class Programme(BaseModel):
    """Something a community runs for its elders (a lecture series, a care scheme, classes)."""

    name: str
    description: str
    categories: list[str] = Field(
        default_factory=list,
        description="Activity categories of its classes, if it runs any (see /activities).",
    )


def json_list(value: Any) -> list[Any]:
    """A JSONB column: decoded by SQLAlchemy in a session, raw text on the read path."""
    if value is None:
        return []
    decoded = json.loads(value) if isinstance(value, str | bytes) else value
    return list(decoded)


class FacilityRead(BaseModel):
    id: int
    name: str
    kind: FacilityKind
    district: District
    community_id: int
    community: str = Field(description="Name of the facility's community (社区).")
    street_office: str = Field(description="The community's street office (街道).")
    address: str
    location: Location
    phone: str | None
    opening_hours: str = Field(description="The hours as the facility writes them.")
    weekly_hours: list[OpeningInterval] = Field(
        description="The hours as a week, Asia/Shanghai; empty when not known."
    )
    open_now: bool | None = Field(
        description="Open at the time of the request (Asia/Shanghai); null without `weekly_hours`."
    )
    awards: list[Award] = Field(
        description=(
            "Awards of the facility's community, e.g. 全国示范性老年友好型社区 (2022); they "
            "belong to the community and are listed here for convenience."
        )
    )
    services: list[str]
    distance_m: float | None = Field(None, description="Distance from the search centre, metres.")

    @classmethod
    def of(
        cls,
        row: FacilityRow,
        coord_sys: CoordSys,
        *,
        at: LocalMoment,
        distance_m: float | None = None,
    ) -> FacilityRead:
        week = week_of(row.weekly_hours)
        return cls(
            id=row.id,
            name=row.name,
            kind=FacilityKind(row.kind),
            district=District(row.district),
            community_id=row.community_id,
            community=row.community,
            street_office=row.street_office,
            address=row.address,
            location=Location.of(row.lat, row.lon, coord_sys),
            phone=row.phone,
            opening_hours=row.opening_hours,
            weekly_hours=OpeningInterval.rows(week),
            open_now=is_open_weekly(week, at) if week else None,
            awards=[Award.model_validate(a) for a in json_list(row.awards)],
            services=list(row.services),
            distance_m=None if distance_m is None else round(distance_m, 1),
        )


class CommunityRead(BaseModel):
    id: int
    name: str
    district: District
    street_office: str
    centre: Location = Field(description="The centre of the community's 15-minute circle.")
    awards: list[Award]
    programmes: list[Programme]
    facilities: int = Field(description="Facilities that belong to this community.")
    distance_m: float | None = Field(
        None, description="Distance from the search centre to the community centre, metres."
    )

    @classmethod
    def of(
        cls, row: CommunityRow, coord_sys: CoordSys, *, distance_m: float | None = None
    ) -> CommunityRead:
        return cls(
            id=row.id,
            name=row.name,
            district=District(row.district),
            street_office=row.street_office,
            centre=Location.of(row.lat, row.lon, coord_sys),
            awards=[Award.model_validate(a) for a in json_list(row.awards)],
            programmes=[Programme.model_validate(p) for p in json_list(row.programmes)],
            facilities=row.facilities,
            distance_m=None if distance_m is None else round(distance_m, 1),
        )


class CommunityRef(BaseModel):
    id: int
    name: str
    district: District


# --- the 15-minute circle --------------------------------------------------------------------


class WalkingModel(BaseModel):
    """How far an elder gets on foot: reach = minutes × speed ÷ detour (straight line)."""

    minutes: int
    speed_m_per_min: float = Field(description="Elder walking speed (settings).")
    detour_factor: float = Field(
        description="Walking distance over straight-line distance, ≥ 1 (settings)."
    )
    reach_m: float = Field(description="Straight-line radius reached in `minutes`.")


class CircleFacility(BaseModel):
    id: int
    name: str
    kind: FacilityKind
    community_id: int
    community: str
    address: str
    location: Location
    phone: str | None
    opening_hours: str
    distance_m: float = Field(description="Straight-line distance from the centre, metres.")
    walk_minutes: float = Field(description="Minutes on foot by the walking model.")

    @classmethod
    def of(cls, row: InReach, coord_sys: CoordSys, walk_minutes: float) -> CircleFacility:
        return cls(
            id=row.id,
            name=row.name,
            kind=FacilityKind(row.kind),
            community_id=row.community_id,
            community=row.community,
            address=row.address,
            location=Location.of(row.lat, row.lon, coord_sys),
            phone=row.phone,
            opening_hours=row.opening_hours,
            distance_m=round(row.distance_m, 1),
            walk_minutes=round(walk_minutes, 1),
        )


class CircleKind(BaseModel):
    kind: FacilityKind
    essential: bool = Field(description="One of the kinds a complete circle must hold.")
    in_reach: int = Field(description="How many of this kind are within reach.")
    nearest_walk_minutes: float
    facilities: list[CircleFacility] = Field(
        description="The nearest of this kind (at most `per_kind`), nearest first."
    )


class Circle(BaseModel):
    """What an elder reaches on foot from `centre` in `walking.minutes` minutes."""

    centre: Location
    community: CommunityRef | None = Field(
        description="The community whose circle this is (per-community circle only)."
    )
    walking: WalkingModel
    essential_kinds: list[FacilityKind]
    missing_essential: list[FacilityKind] = Field(
        description="Essential kinds with no facility in reach: the circle's gaps."
    )
    complete: bool = Field(description="Every essential kind is within reach.")
    facilities_in_reach: int
    by_kind: list[CircleKind] = Field(
        description="Kinds in reach: essential kinds first (in `essential_kinds` order)."
    )
