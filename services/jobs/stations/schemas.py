"""HTTP shapes of the jobs service: `XCreate`, `XUpdate`, `XRead` per resource."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from common.districts import District
from common.geo import CoordSys, Location


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


LocalTime = Annotated[
    str,
    Field(
        pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$",
        description="Local time Asia/Shanghai, HH:MM; 24:00 means until midnight.",
        examples=["08:00"],
    ),
]


class OpeningInterval(BaseModel):
    """Open on `weekday` (ISO, 1 = Monday … 7 = Sunday) from `opens` until `closes`.

    An interval never crosses midnight: a night shift is two intervals on consecutive days.
    """

    weekday: int = Field(ge=1, le=7)
    opens: LocalTime
    closes: LocalTime


class HoursException(BaseModel):
    """A date whose hours replace the weekly schedule (holiday closure or special hours)."""

    date: date
    closed: bool
    opens: LocalTime | None = None
    closes: LocalTime | None = None
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


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float] = Field(description="[lon, lat], as GeoJSON orders them.")


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


class StationFeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    coord_sys: CoordSys = Field(description="Coordinate system of every geometry.")
    features: list[StationFeature]
