"""HTTP shapes of Red Bee Stations: reads, the GeoJSON layer, staff writes and check-ins."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from common.districts import District
from common.geo import CoordSys, Location, from_wgs84
from services.jobs.stations.hours import format_minutes


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

    @classmethod
    def of(cls, row: Mapping[str, Any], coord_sys: CoordSys) -> StationRead:
        distance = row.get("distance_m")
        return cls(
            id=row["id"],
            name=row["name"],
            district=row["district"],
            address=row["address"],
            location=Location.of(row["lat"], row["lon"], coord_sys),
            amenities=row["amenities"],
            opening_hours=[
                OpeningInterval(weekday=w, opens=format_minutes(o), closes=format_minutes(c))
                for w, o, c in _json(row["hours"])
            ],
            exceptions=[
                HoursException(
                    date=d,
                    closed=closed,
                    opens=None if o is None else format_minutes(o),
                    closes=None if c is None else format_minutes(c),
                    note=note,
                )
                for d, closed, o, c, note in _json(row["exceptions"])
            ],
            operator=row["operator"],
            operator_kind=row["operator_kind"],
            phone=row["phone"],
            open_now=row["open_now"],
            distance_m=None if distance is None else round(distance, 1),
        )


def _json(value: Any) -> Any:
    # asyncpg hands jsonb over as text; a SQLAlchemy session has already parsed it
    return json.loads(value) if isinstance(value, str) else value


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

    @classmethod
    def of(cls, row: Mapping[str, Any], coord_sys: CoordSys) -> StationFeature:
        lat, lon = from_wgs84(row["lat"], row["lon"], coord_sys)
        return cls(
            id=row["id"],
            geometry=PointGeometry(coordinates=(round(lon, 7), round(lat, 7))),
            properties=StationProperties(
                id=row["id"],
                name=row["name"],
                district=row["district"],
                address=row["address"],
                amenities=row["amenities"],
                operator=row["operator"],
                open_now=row["open_now"],
            ),
        )


class StationFeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    coord_sys: CoordSys = Field(description="Coordinate system of every geometry.")
    features: list[StationFeature]
