"""HTTP shapes of institutions: `InstitutionCreate`, `InstitutionUpdate`, `InstitutionRead`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.geo import CoordSys, Location
from common.geo_input import BodyCoordSys, PointIn
from common.opening_hours import (
    LocalMoment,
    OpeningInterval,
    WeeklyHoursIn,
    is_open_weekly,
    week_of,
)
from common.validation import IntegerOnly, PatchBody, Phone, patch_field

if TYPE_CHECKING:
    from services.childcare.institutions.repository import InstitutionRow


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
    year: Annotated[int, Field(ge=1990, le=2100), IntegerOnly]


Name = Annotated[str, Field(min_length=1, max_length=200)]
Address = Annotated[str, Field(min_length=1, max_length=300)]
Capacity = Annotated[int, Field(ge=0, le=10_000, description="Number of places."), IntegerOnly]
FeeFen = Annotated[int, Field(ge=0, le=100_000_000, description="Monthly fee, fen."), IntegerOnly]
AgeMonths = Annotated[int, Field(ge=0, le=36), IntegerOnly]
OpeningHours = Annotated[str, Field(min_length=1, max_length=100, examples=["07:30-18:00"])]


class InstitutionCreate(BaseModel):
    """A new institution. `location` must lie inside its `district` (`422
    location_outside_district`); `min_age_months ≤ max_age_months` (`422 invalid_age_range`)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    district: District
    address: Address
    location: PointIn
    coord_sys: BodyCoordSys = None
    kind: InstitutionKind
    inclusive: StrictBool = False
    public_owned: StrictBool = False
    demonstration: Demonstration | None = None
    capacity: Capacity
    monthly_fee_fen: FeeFen
    min_age_months: AgeMonths
    max_age_months: AgeMonths
    opening_hours: OpeningHours
    weekly_hours: WeeklyHoursIn = Field(
        default_factory=list,
        description="The opening hours as a week (what `open_now` is computed from).",
    )
    phone: Phone


class InstitutionUpdate(PatchBody):
    """Only the fields sent change; none of them may be `null` except `demonstration` (which
    clears it).

    Changing `capacity` re-balances the waitlist: raising it offers the new places to the head of
    the waitlist at once; lowering it below `enrolled + offered` is refused. A new `location` or
    `district` must still agree (`422 location_outside_district`).
    """

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"demonstration", "coord_sys"})

    name: Name | SkipJsonSchema[None] = patch_field()
    district: District | SkipJsonSchema[None] = patch_field()
    address: Address | SkipJsonSchema[None] = patch_field()
    location: PointIn | SkipJsonSchema[None] = patch_field()
    coord_sys: BodyCoordSys = None
    kind: InstitutionKind | SkipJsonSchema[None] = patch_field()
    inclusive: StrictBool | SkipJsonSchema[None] = patch_field()
    public_owned: StrictBool | SkipJsonSchema[None] = patch_field()
    demonstration: Demonstration | None = None
    capacity: Capacity | SkipJsonSchema[None] = patch_field()
    monthly_fee_fen: FeeFen | SkipJsonSchema[None] = patch_field()
    min_age_months: AgeMonths | SkipJsonSchema[None] = patch_field()
    max_age_months: AgeMonths | SkipJsonSchema[None] = patch_field()
    opening_hours: OpeningHours | SkipJsonSchema[None] = patch_field()
    weekly_hours: WeeklyHoursIn | SkipJsonSchema[None] = patch_field(
        description="Replaces the whole week when sent."
    )
    phone: Phone | SkipJsonSchema[None] = patch_field()

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in super().changes().items() if k != "coord_sys"}


class InstitutionRead(BaseModel):
    id: int
    name: str
    district: District
    address: str | None = Field(
        description="Street address; null for home-based places unless the caller may see it."
    )
    location: Location = Field(
        description=(
            "Exact, or for a home-based place the centre of its ~200 m area "
            "(`approximate: true`) unless the caller is staff or holds a place there."
        )
    )
    kind: InstitutionKind
    inclusive: bool = Field(
        description="Inclusive (普惠): a government-supported place at an affordable fee."
    )
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
    opening_hours: str = Field(description="The hours as the institution writes them.")
    weekly_hours: list[OpeningInterval] = Field(
        description="The hours as a week, Asia/Shanghai; empty when not given."
    )
    open_now: bool | None = Field(
        description="Open at the time of the request (Asia/Shanghai); null without `weekly_hours`."
    )
    phone: str
    distance_m: float | None = Field(
        None,
        description=(
            "Distance from the search centre to the published `location`, metres (for a "
            "home-based place, to the centre of its area)."
        ),
    )

    @classmethod
    def of(
        cls,
        row: InstitutionRow,
        coord_sys: CoordSys,
        *,
        exact: bool,
        at: LocalMoment,
        distance_m: float | None = None,
    ) -> InstitutionRead:
        """Shapes a row; a home-based place shows only its published area unless `exact`."""
        hidden = row.kind == InstitutionKind.home_based and not exact
        lat, lon = (row.public_lat, row.public_lon) if hidden else (row.lat, row.lon)
        level, year = row.demonstration_level, row.demonstration_year
        week = week_of(row.weekly_hours)
        return cls(
            id=row.id,
            name=row.name,
            district=District(row.district),
            address=None if hidden else row.address,
            location=Location.of(lat, lon, coord_sys, approximate=hidden),
            kind=InstitutionKind(row.kind),
            inclusive=row.inclusive,
            public_owned=row.public_owned,
            demonstration=(
                Demonstration(level=DemonstrationLevel(level), year=year)
                if level and year
                else None
            ),
            capacity=row.capacity,
            enrolled=row.enrolled,
            offered=row.offered,
            vacancies=row.capacity - row.enrolled - row.offered,
            vacancies_as_of=row.vacancies_as_of,
            monthly_fee_fen=row.monthly_fee_fen,
            min_age_months=row.min_age_months,
            max_age_months=row.max_age_months,
            opening_hours=row.opening_hours,
            weekly_hours=OpeningInterval.rows(week),
            open_now=is_open_weekly(week, at) if week else None,
            phone=row.phone,
            distance_m=None if distance_m is None else round(distance_m, 1),
        )
