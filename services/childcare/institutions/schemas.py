"""HTTP shapes of institutions: `InstitutionCreate`, `InstitutionUpdate`, `InstitutionRead`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from common.districts import District
from common.geo import CoordSys, Location


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
    year: Annotated[StrictInt, Field(ge=1990, le=2100)]


Name = Annotated[str, Field(min_length=1, max_length=200)]


Address = Annotated[str, Field(min_length=1, max_length=300)]


Capacity = Annotated[StrictInt, Field(ge=0, le=10_000, description="Number of places.")]


FeeFen = Annotated[StrictInt, Field(ge=0, le=100_000_000, description="Monthly fee, fen.")]


AgeMonths = Annotated[StrictInt, Field(ge=0, le=36)]


OpeningHours = Annotated[str, Field(min_length=1, max_length=100, examples=["07:30-18:00"])]


Phone = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[0-9+\-() ]+$")]


class PointIn(BaseModel):
    """A point in the body's `coord_sys`; stored as WGS-84."""

    model_config = ConfigDict(extra="forbid")

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


def _check_age_range(min_age: int | None, max_age: int | None) -> None:
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValueError("min_age_months must not exceed max_age_months")


class InstitutionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    district: District
    address: Address
    location: PointIn
    coord_sys: CoordSys = Field(CoordSys.wgs84, description="System of `location`.")
    kind: InstitutionKind
    inclusive: StrictBool = False
    public_owned: StrictBool = False
    demonstration: Demonstration | None = None
    capacity: Capacity
    monthly_fee_fen: FeeFen
    min_age_months: AgeMonths
    max_age_months: AgeMonths
    opening_hours: OpeningHours
    phone: Phone

    @model_validator(mode="after")
    def _age_range(self) -> InstitutionCreate:
        _check_age_range(self.min_age_months, self.max_age_months)
        return self


class InstitutionUpdate(BaseModel):
    """Only the fields sent change. `demonstration: null` clears it; other fields cannot be null.

    Changing `capacity` re-balances the waitlist: raising it offers the new places to the head of
    the waitlist at once; lowering it below `enrolled + offered` is refused.
    """

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    district: District | None = None
    address: Address | None = None
    location: PointIn | None = None
    coord_sys: CoordSys = Field(CoordSys.wgs84, description="System of `location`.")
    kind: InstitutionKind | None = None
    inclusive: StrictBool | None = None
    public_owned: StrictBool | None = None
    demonstration: Demonstration | None = None
    capacity: Capacity | None = None
    monthly_fee_fen: FeeFen | None = None
    min_age_months: AgeMonths | None = None
    max_age_months: AgeMonths | None = None
    opening_hours: OpeningHours | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> InstitutionUpdate:
        nullable = {"demonstration"}
        for name in self.model_fields_set - nullable:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        _check_age_range(self.min_age_months, self.max_age_months)
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


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
