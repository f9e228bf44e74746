"""Field types and small conversions the jobs domains share."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from common.clock import CITY_TZ
from common.districts import ensure_in_district
from common.geo import CoordSys, Location, to_wgs84
from common.times import CityDateTime

Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Text300 = Annotated[str, Field(min_length=1, max_length=300)]
Description = Annotated[str, Field(max_length=2000)]
When = CityDateTime


def aware(moment: datetime) -> datetime:
    """A time sent without an offset is the city's local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CITY_TZ)


def from_jsonb(value: Any) -> Any:
    """asyncpg hands `jsonb` over as text on the read path; a SQLAlchemy session has parsed it."""
    return json.loads(value) if isinstance(value, str) else value


def point_columns(point: dict[str, float] | None, coord_sys: CoordSys) -> dict[str, float | None]:
    """The stored (WGS-84) `lat`/`lon` of an optional map point sent in `coord_sys`."""
    if point is None:
        return {"lat": None, "lon": None}
    lat, lon = to_wgs84(point["lat"], point["lon"], coord_sys)
    return {"lat": lat, "lon": lon}


def check_point(district: str, lat: float | None, lon: float | None) -> None:
    """An optional map point must lie inside its district (`location_outside_district`)."""
    if lat is not None and lon is not None:
        ensure_in_district(district, lat, lon)


def optional_location(lat: float | None, lon: float | None, coord_sys: CoordSys) -> Location | None:
    return None if lat is None or lon is None else Location.of(lat, lon, coord_sys)
