"""HTTP shape of `GET /eldercare/v1/stats`: the eldercare part of the gateway's district
indicators (DESIGN §6), as its mirror in gateway/clients/eldercare.py validates it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from common.districts import District
from services.eldercare.facilities.schemas import FacilityKind, WalkingModel


class CommunityGap(BaseModel):
    id: int
    name: str
    missing: list[FacilityKind] = Field(description="Essential kinds not within the circle.")


class DistrictStats(BaseModel):
    district: District
    facilities: int
    facilities_by_kind: dict[FacilityKind, int] = Field(description="Every kind, zeros included.")
    communities: int
    communities_covered: int = Field(
        description="Communities whose circle holds every essential kind."
    )
    circle_coverage: float | None = Field(
        description="communities_covered / communities, 0–1; null without communities."
    )
    communities_with_gaps: list[CommunityGap]
    activities: int = Field(description="Upcoming sessions (scheduled, not yet started).")
    open_care_requests: int = Field(
        description="Requested or assigned, by the district of the elder's community."
    )


class Totals(BaseModel):
    facilities: int
    facilities_by_kind: dict[FacilityKind, int]
    communities: int
    communities_covered: int
    circle_coverage: float | None
    activities: int
    open_care_requests: int = Field(description="Including elders with no community on file.")
    elders: int = Field(description="Elder profiles registered.")
    renovations_open: int
    renovations_completed: int


class EldercareStats(BaseModel):
    as_of: datetime
    walking: WalkingModel = Field(description="The circle every community is measured by.")
    essential_kinds: list[FacilityKind]
    totals: Totals
    by_district: list[DistrictStats] = Field(description="Every district, in a fixed order.")
