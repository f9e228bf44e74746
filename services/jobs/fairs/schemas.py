"""HTTP shapes of job fairs and fair registrations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.geo import CoordSys, Location
from common.geo_input import BodyCoordSys, PointIn
from common.times import ScheduledDateTime
from common.validation import IntegerOnly, PatchBody, patch_field
from services.jobs.fields import Description, Text200, Text300, from_jsonb, optional_location
from services.jobs.postings.schemas import EducationLevel
from services.jobs.values import RegistrationStatus

if TYPE_CHECKING:
    from services.jobs.fairs.repository import FairRow, RegistrationRow

Capacity = Annotated[int, Field(ge=0, le=1_000_000, description="Seats."), IntegerOnly]


class Position(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text200
    openings: Annotated[int, Field(ge=1, le=10_000), IntegerOnly] = 1
    education: EducationLevel | None = None


class FairEmployer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employer: Text200
    positions: Annotated[list[Position], Field(max_length=100)] = []


Employers = Annotated[list[FairEmployer], Field(max_length=1000)]
VenuePoint = Annotated[
    PointIn, Field(description="The venue as a map point, inside `district`; in `coord_sys`.")
]


class FairCreate(BaseModel):
    """A fair. `ends_at` after `starts_at` (`422 invalid_fair_times`)."""

    model_config = ConfigDict(extra="forbid")

    name: Text200
    description: Description | None = None
    starts_at: ScheduledDateTime
    ends_at: ScheduledDateTime
    venue: Text200
    address: Text300
    district: District
    location: VenuePoint | None = None
    coord_sys: BodyCoordSys = None
    capacity: Capacity
    employers: Employers = []


class FairUpdate(PatchBody):
    """Only the fields sent change; `employers` replaces the whole list. Capacity cannot go
    below the seats taken (`409 capacity_below_registered`)."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"description", "location", "coord_sys"})

    name: Text200 | SkipJsonSchema[None] = patch_field()
    description: Description | None = None
    starts_at: ScheduledDateTime | SkipJsonSchema[None] = patch_field()
    ends_at: ScheduledDateTime | SkipJsonSchema[None] = patch_field()
    venue: Text200 | SkipJsonSchema[None] = patch_field()
    address: Text300 | SkipJsonSchema[None] = patch_field()
    district: District | SkipJsonSchema[None] = patch_field()
    location: VenuePoint | None = None
    coord_sys: BodyCoordSys = None
    capacity: Capacity | SkipJsonSchema[None] = patch_field()
    employers: Employers | SkipJsonSchema[None] = patch_field()


class FairStatus(StrEnum):
    upcoming = "upcoming"
    ongoing = "ongoing"
    past = "past"


class FairRead(BaseModel):
    id: int
    name: str
    description: str | None
    starts_at: datetime
    ends_at: datetime
    venue: str
    address: str
    district: District
    location: Location | None = Field(
        description="The venue as a map point, in the requested `coord_sys`."
    )
    capacity: int
    registered: int
    seats_left: int
    status: FairStatus = Field(description="Registration is open while `upcoming`.")
    employers: list[FairEmployer]
    positions: int = Field(description="Openings offered by all employers together.")

    @classmethod
    def of(cls, row: FairRow, now: datetime, coord_sys: CoordSys = CoordSys.wgs84) -> FairRead:
        employers = [FairEmployer.model_validate(e) for e in from_jsonb(row.employers)]
        starts, ends = row.starts_at, row.ends_at
        status = (
            FairStatus.upcoming
            if now < starts
            else FairStatus.ongoing
            if now < ends
            else FairStatus.past
        )
        return cls(
            id=row.id,
            name=row.name,
            description=row.description,
            starts_at=starts,
            ends_at=ends,
            venue=row.venue,
            address=row.address,
            district=District(row.district),
            location=optional_location(row.lat, row.lon, coord_sys),
            capacity=row.capacity,
            registered=row.registered,
            seats_left=row.capacity - row.registered,
            status=status,
            employers=employers,
            positions=sum(p.openings for e in employers for p in e.positions),
        )


class FairRegistrationRead(BaseModel):
    id: int
    fair_id: int
    fair_name: str
    starts_at: datetime
    venue: str
    status: RegistrationStatus
    registered_at: datetime
    cancelled_at: datetime | None

    @classmethod
    def of(cls, row: RegistrationRow) -> FairRegistrationRead:
        return cls(
            id=row.id,
            fair_id=row.fair_id,
            fair_name=row.fair_name,
            starts_at=row.starts_at,
            venue=row.venue,
            status=RegistrationStatus(row.status),
            registered_at=row.registered_at,
            cancelled_at=row.cancelled_at,
        )
