"""HTTP shapes of the eldercare service."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from common.districts import District
from common.geo import Location


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


class FacilityRead(BaseModel):
    id: int
    name: str
    kind: FacilityKind
    district: District
    street_office: str
    community: str
    address: str
    location: Location
    phone: str | None
    opening_hours: str
    awards: list[str] = Field(description="e.g. 全国示范性老年友好型社区 (2022)")
    services: list[str]
    distance_m: float | None = Field(None, description="Distance from the search centre, metres.")
