"""The nearby-search query parameters of DESIGN §2 as one FastAPI dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from common.errors import Unprocessable
from common.geo import CoordSys, CoordSysQuery, LatQuery, LonQuery, RadiusQuery, to_wgs84


@dataclass(frozen=True)
class NearQuery:
    coord_sys: CoordSys
    near: tuple[float, float, int] | None  # WGS-84 lat, lon and radius in metres


def near_query(
    lat: LatQuery = None,
    lon: LonQuery = None,
    radius_m: RadiusQuery = 5000,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> NearQuery:
    if (lat is None) != (lon is None):
        raise Unprocessable("Give both lat and lon, or neither.", code="incomplete_location")
    if lat is None or lon is None:
        return NearQuery(coord_sys=coord_sys, near=None)
    wlat, wlon = to_wgs84(lat, lon, coord_sys)
    return NearQuery(coord_sys=coord_sys, near=(wlat, wlon, radius_m))


NearDep = Annotated[NearQuery, Depends(near_query)]
