"""HTTP shapes of Red Bee Stations: reads, the GeoJSON layer, staff writes and check-ins."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.geo import CoordSys, Location, from_wgs84
from common.geo_input import BodyCoordSys, PointIn
from common.opening_hours import (
    LocalTime,
    OpeningInterval,
    OpeningIntervalIn,
    ShownTime,
    format_minutes,
)
from common.validation import PatchBody, Phone, patch_field
from services.jobs.fields import Text200, Text300, from_jsonb

if TYPE_CHECKING:
    from services.jobs.stations.repository import StationLayerRow, StationRow


class Amenity(StrEnum):
    hot_water = "hot_water"
    phone_charging = "phone_charging"
    rest_area = "rest_area"
    restroom = "restroom"
    microwave = "microwave"
    first_aid = "first_aid"
    fitness = "fitness"
    recreation = "recreation"
    wifi = "wifi"
    air_conditioning = "air_conditioning"
    ebike_charging = "ebike_charging"
    book_corner = "book_corner"


class OperatorKind(StrEnum):
    community = "community"
    street_office = "street_office"
    trade_union = "trade_union"
    enterprise = "enterprise"


class WorkerType(StrEnum):
    courier = "courier"
    food_delivery = "food_delivery"
    truck_driver = "truck_driver"
    ride_hailing = "ride_hailing"
    other = "other"


class HoursException(BaseModel):
    """A date whose hours replace the weekly schedule (holiday closure or special hours)."""

    date: date
    closed: bool
    opens: ShownTime | None = None
    closes: ShownTime | None = None
    note: str | None = Field(None, max_length=200)


class StationRead(BaseModel):
    id: int
    name: str
    district: District
    address: str
    location: Location
    amenities: list[Amenity]
    opening_hours: list[OpeningInterval]
    exceptions: list[HoursException] = Field(
        description="Exceptions from today (local date) on, earliest first."
    )
    operator: str
    operator_kind: OperatorKind
    phone: str | None
    open_now: bool = Field(description="Open at the time of the request, Asia/Shanghai time.")
    distance_m: float | None = Field(None, description="Distance from the search centre, metres.")

    @classmethod
    def of(
        cls, row: StationRow, coord_sys: CoordSys, *, distance_m: float | None = None
    ) -> StationRead:
        return cls(
            id=row.id,
            name=row.name,
            district=District(row.district),
            address=row.address,
            location=Location.of(row.lat, row.lon, coord_sys),
            amenities=[Amenity(a) for a in row.amenities],
            opening_hours=[
                OpeningInterval(weekday=w, opens=format_minutes(o), closes=format_minutes(c))
                for w, o, c in from_jsonb(row.hours)
            ],
            exceptions=[
                HoursException(
                    date=d,
                    closed=closed,
                    opens=None if o is None else format_minutes(o),
                    closes=None if c is None else format_minutes(c),
                    note=note,
                )
                for d, closed, o, c, note in from_jsonb(row.exceptions)
            ],
            operator=row.operator,
            operator_kind=OperatorKind(row.operator_kind),
            phone=row.phone,
            open_now=row.open_now,
            distance_m=None if distance_m is None else round(distance_m, 1),
        )


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float] = Field(
        description="[lon, lat], as GeoJSON orders them.",
        # `items` beside `prefixItems`: OpenAPI 3.0 tools and linters need it to type the array
        json_schema_extra={"items": {"type": "number"}},
    )


class StationProperties(BaseModel):
    id: int
    name: str
    district: District
    address: str
    amenities: list[Amenity]
    operator: str
    open_now: bool


class StationFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: PointGeometry
    properties: StationProperties

    @classmethod
    def of(cls, row: StationLayerRow, coord_sys: CoordSys) -> StationFeature:
        lat, lon = from_wgs84(row.lat, row.lon, coord_sys)
        return cls(
            id=row.id,
            geometry=PointGeometry(coordinates=(round(lon, 7), round(lat, 7))),
            properties=StationProperties(
                id=row.id,
                name=row.name,
                district=District(row.district),
                address=row.address,
                amenities=[Amenity(a) for a in row.amenities],
                operator=row.operator,
                open_now=row.open_now,
            ),
        )


class StationFeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    coord_sys: CoordSys = Field(description="Coordinate system of every geometry.")
    features: list[StationFeature]


# --- staff writes ------------------------------------------------------------------------------


class HoursExceptionIn(BaseModel):
    """`closed: true` without times, or `closed: false` with `opens` before `closes`
    (`422 invalid_exception`); one entry per date."""

    model_config = ConfigDict(extra="forbid")

    date: date
    closed: StrictBool
    opens: LocalTime | None = None
    closes: LocalTime | None = None
    note: str | None = Field(None, max_length=200)


Intervals = Annotated[list[OpeningIntervalIn], Field(max_length=70)]
Exceptions = Annotated[list[HoursExceptionIn], Field(max_length=400)]


class StationCreate(BaseModel):
    """A new station. `location` must lie inside its `district` (`422
    location_outside_district`)."""

    model_config = ConfigDict(extra="forbid")

    name: Text200
    district: District
    address: Text300
    location: PointIn
    coord_sys: BodyCoordSys = None
    amenities: Annotated[list[Amenity], Field(max_length=len(Amenity))] = []
    operator: Text200
    operator_kind: OperatorKind
    phone: Phone | None = None
    opening_hours: Intervals
    exceptions: Exceptions = []


class StationUpdate(PatchBody):
    """Only the fields sent change; `opening_hours` and `exceptions` replace the whole list
    when sent. `phone` may be `null` (cleared)."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"phone", "coord_sys"})

    name: Text200 | SkipJsonSchema[None] = patch_field()
    district: District | SkipJsonSchema[None] = patch_field()
    address: Text300 | SkipJsonSchema[None] = patch_field()
    location: PointIn | SkipJsonSchema[None] = patch_field()
    coord_sys: BodyCoordSys = None
    amenities: Annotated[list[Amenity], Field(max_length=len(Amenity))] | SkipJsonSchema[None] = (
        patch_field()
    )
    operator: Text200 | SkipJsonSchema[None] = patch_field()
    operator_kind: OperatorKind | SkipJsonSchema[None] = patch_field()
    phone: Phone | None = None
    opening_hours: Intervals | SkipJsonSchema[None] = patch_field()
    exceptions: Exceptions | SkipJsonSchema[None] = patch_field()


# --- check-ins and usage -----------------------------------------------------------------------


class CheckInCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    worker_type: WorkerType


class CheckInRead(BaseModel):
    """An anonymous visit: no person, device or place of the visitor is recorded."""

    id: int
    station_id: int
    worker_type: WorkerType
    checked_in_at: datetime


class WorkerTypeCount(BaseModel):
    worker_type: WorkerType
    check_ins: int
    last_30_days: int


class StationUsage(BaseModel):
    station_id: int
    name: str
    district: District
    check_ins: int = Field(description="All time.")
    last_7_days: int
    last_30_days: int
    by_worker_type: list[WorkerTypeCount] = Field(description="Every worker type, zeros included.")
    as_of: datetime
