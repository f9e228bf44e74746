"""HTTP shapes of activities and registrations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from common.clock import CITY_TZ
from common.districts import District
from common.geo import CoordSys, Location
from common.times import ScheduledDateTime
from common.validation import MAX_ID, IntegerOnly, PatchBody, patch_field
from services.eldercare.values import ActivityStatus, RegistrationStatus

if TYPE_CHECKING:
    from services.eldercare.activities.registration_repository import RegistrationRow
    from services.eldercare.activities.repository import ActivityRow


class ActivityCategory(StrEnum):
    singing = "singing"
    reading = "reading"
    painting = "painting"
    musical_instruments = "musical_instruments"
    dance = "dance"
    calligraphy = "calligraphy"
    silk_flowers = "silk_flowers"  # 绢花
    health_lecture = "health_lecture"
    caregiver_course = "caregiver_course"  # for adult children caring for their parents


Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=1000)]
Place = Annotated[str, Field(min_length=1, max_length=200, examples=["兴康社区文体活动中心二楼"])]
Seats = Annotated[int, Field(ge=0, le=10_000), IntegerOnly]
IdIn = Annotated[int, Field(ge=1, le=MAX_ID), IntegerOnly]
Moment = ScheduledDateTime


def city_time(moment: datetime) -> datetime:
    """Schedules are shown in the city's time (Asia/Shanghai, +08:00)."""
    return moment.astimezone(CITY_TZ)


class ActivityCreate(BaseModel):
    """A session. `ends_at` after `starts_at` (`422 invalid_time_range`), starting in the
    future (`422 starts_in_past`); a `facility_id` must belong to the community (`422
    facility_not_in_community`). `waitlist_capacity` 0 means no waitlist: a full session
    refuses registrations with `409 activity_full`."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    category: ActivityCategory
    description: Description = ""
    community_id: IdIn
    facility_id: IdIn | None = None
    place: Place
    starts_at: Moment
    ends_at: Moment
    capacity: Seats
    waitlist_capacity: Seats = 0


class ActivityUpdate(PatchBody):
    """Only the fields sent change. A higher `capacity` seats the head of the waitlist at once;
    one below the seats taken is `409 capacity_below_registered`. `status: cancelled` cancels
    the session and every registration of it (`409 invalid_transition` once cancelled)."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"facility_id"})

    title: Title | SkipJsonSchema[None] = patch_field()
    category: ActivityCategory | SkipJsonSchema[None] = patch_field()
    description: Description | SkipJsonSchema[None] = patch_field()
    facility_id: IdIn | None = None
    place: Place | SkipJsonSchema[None] = patch_field()
    starts_at: Moment | SkipJsonSchema[None] = patch_field()
    ends_at: Moment | SkipJsonSchema[None] = patch_field()
    capacity: Seats | SkipJsonSchema[None] = patch_field()
    waitlist_capacity: Seats | SkipJsonSchema[None] = patch_field()
    status: ActivityStatus | SkipJsonSchema[None] = patch_field()


class ActivityRead(BaseModel):
    id: int
    title: str
    category: ActivityCategory
    description: str
    community_id: int
    community_name: str
    district: District
    facility_id: int | None
    place: str
    location: Location = Field(description="The facility's location, else the community's.")
    starts_at: datetime = Field(description="In the city's time (+08:00).")
    ends_at: datetime
    capacity: int
    registered: int
    seats_left: int
    waitlist_capacity: int
    waitlisted: int
    status: ActivityStatus

    @classmethod
    def of(cls, row: ActivityRow, coord_sys: CoordSys) -> ActivityRead:
        return cls(
            id=row.id,
            title=row.title,
            category=ActivityCategory(row.category),
            description=row.description,
            community_id=row.community_id,
            community_name=row.community_name,
            district=District(row.district),
            facility_id=row.facility_id,
            place=row.place,
            location=Location.of(row.lat, row.lon, coord_sys),
            starts_at=city_time(row.starts_at),
            ends_at=city_time(row.ends_at),
            capacity=row.capacity,
            registered=row.registered,
            seats_left=row.capacity - row.registered,
            waitlist_capacity=row.waitlist_capacity,
            waitlisted=row.waitlisted,
            status=ActivityStatus(row.status),
        )


class RegistrationCreate(BaseModel):
    """Register yourself (no `elder_id`; if you have an elder profile, it is the one
    registered) or an elder you are linked to as family."""

    model_config = ConfigDict(extra="forbid")

    elder_id: IdIn | None = None


class RegistrationRead(BaseModel):
    id: int
    activity_id: int
    title: str
    category: ActivityCategory
    starts_at: datetime
    place: str
    elder_id: int | None = Field(description="The elder registered; null: the registrant.")
    elder_name: str | None
    registrant_sub: str = Field(description="Who made the registration.")
    status: RegistrationStatus
    waitlist_position: int | None = Field(
        description="1 = next to get a seat; only while `waitlisted`."
    )
    registered_at: datetime
    status_changed_at: datetime

    @classmethod
    def of(cls, row: RegistrationRow) -> RegistrationRead:
        return cls(
            id=row.id,
            activity_id=row.activity_id,
            title=row.title,
            category=ActivityCategory(row.category),
            starts_at=city_time(row.starts_at),
            place=row.place,
            elder_id=row.elder_id,
            elder_name=row.elder_name,
            registrant_sub=row.registrant_sub,
            status=RegistrationStatus(row.status),
            waitlist_position=row.waitlist_position,
            registered_at=row.registered_at,
            status_changed_at=row.status_changed_at,
        )
