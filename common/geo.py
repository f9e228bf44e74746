"""Distances and the coordinate systems of Chinese map apps.

Storage is always WGS-84. Amap and Tencent publish GCJ-02, Baidu publishes BD-09; clients say
which one they use with `coord_sys`, and the same system applies to input and output.
GCJ-02 is an obfuscation without a closed-form inverse, so GCJ-02 → WGS-84 iterates.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy.types import UserDefinedType

EARTH_RADIUS_M = 6_371_008.8
MAX_RADIUS_M = 50_000

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


class CoordSys(StrEnum):
    wgs84 = "wgs84"
    gcj02 = "gcj02"
    bd09 = "bd09"


class Point(BaseModel):
    lat: float
    lon: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _outside_china(lat: float, lon: float) -> bool:
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _delta(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if _outside_china(lat, lon):
        return lat, lon
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    if _outside_china(lat, lon):
        return lat, lon
    wlat, wlon = lat, lon
    for _ in range(30):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        dlat, dlon = glat - lat, glon - lon
        wlat, wlon = wlat - dlat, wlon - dlon
        if abs(dlat) < 1e-10 and abs(dlon) < 1e-10:
            break
    return wlat, wlon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def to_wgs84(lat: float, lon: float, coord_sys: CoordSys) -> tuple[float, float]:
    if coord_sys is CoordSys.gcj02:
        return gcj02_to_wgs84(lat, lon)
    if coord_sys is CoordSys.bd09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
    return lat, lon


def from_wgs84(lat: float, lon: float, coord_sys: CoordSys) -> tuple[float, float]:
    if coord_sys is CoordSys.gcj02:
        return wgs84_to_gcj02(lat, lon)
    if coord_sys is CoordSys.bd09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))
    return lat, lon


def snapped_point_sql(lat: str, lon: str, cell_m: float = 200.0) -> tuple[str, str]:
    """SQL for a point snapped to a grid of about `cell_m` metres: a home's area, not its door.

    Used in generated columns, so the database holds the one published point that every public
    figure is computed from; the longitude step depends only on the snapped latitude, so the
    snapped point reveals nothing finer than its cell.
    """
    lat_step = cell_m / 111_320.0
    snapped_lat = f"(round({lat} / {lat_step!r}) * {lat_step!r})"
    lon_step = f"({cell_m!r} / (111320.0 * cos(radians({snapped_lat}))))"
    return snapped_lat, f"(round({lon} / {lon_step}) * {lon_step})"


class Location(BaseModel):
    """A point in the coordinate system the client asked for."""

    lat: float
    lon: float
    coord_sys: CoordSys = CoordSys.wgs84
    approximate: bool = False

    @classmethod
    def of(
        cls, lat: float, lon: float, coord_sys: CoordSys, *, approximate: bool = False
    ) -> Location:
        olat, olon = from_wgs84(lat, lon, coord_sys)
        # built from stored floats and an enum member: nothing to validate, and a list page
        # builds twenty of these (model_construct is several times cheaper than validation)
        return cls.model_construct(
            lat=round(olat, 7), lon=round(olon, 7), coord_sys=coord_sys, approximate=approximate
        )


LatQuery = Annotated[
    float | None, Query(ge=-90, le=90, description="Latitude of the search centre.")
]
LonQuery = Annotated[
    float | None, Query(ge=-180, le=180, description="Longitude of the search centre.")
]
RadiusQuery = Annotated[
    int, Query(ge=1, le=MAX_RADIUS_M, description="Search radius in metres (max 50,000).")
]
CoordSysQuery = Annotated[
    CoordSys, Query(description="Coordinate system of input and output coordinates.")
]

# SQL fragments for the index-backed nearby query. Each table stores `earth_loc`, a column
# computed as `public.ll_to_earth(lat, lon)` with a GiST index; the KNN operator `<->` walks
# that index in distance order and the radius is a filter (1.6x cheaper than earth_box + sort).
EARTH_AT = "public.ll_to_earth(:lat, :lon)"


class Earth(UserDefinedType[object]):
    """earthdistance's `earth` type; tables fill it with a computed `ll_to_earth(lat, lon)`
    column so the GiST index is on a plain column (no search_path-dependent index expression)."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "public.earth"
