"""HTTP shapes of the childcare service: `XCreate`, `XUpdate`, `XRead` per resource."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from common.districts import District
from common.geo import Location


class InstitutionKind(StrEnum):
    employer = "employer"
    kindergarten_class = "kindergarten_class"
    community = "community"
    private = "private"
    home_based = "home_based"


class DemonstrationLevel(StrEnum):
    regional = "regional"
    city = "city"


class Demonstration(BaseModel):
    level: DemonstrationLevel
    year: int


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    district: District
    address: str | None = Field(
        description="Street address; null for home-based places unless the caller may see it."
    )
    location: Location
    kind: InstitutionKind
    inclusive: bool
    public_owned: bool
    demonstration: Demonstration | None
    capacity: int
    enrolled: int
    offered: int
    vacancies: int
    vacancies_as_of: datetime
    monthly_fee_fen: int
    min_age_months: int
    max_age_months: int
    opening_hours: str
    phone: str
    distance_m: float | None = Field(None, description="Distance from the search centre, metres.")
