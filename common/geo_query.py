"""Nearby search (DESIGN §2): the query parameters as one dependency, and one coordinate
system for a request (the SQL is `common.listing.Listing(nearest=…)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from common.errors import Unprocessable
from common.geo import (
    CoordSys,
    CoordSysQuery,
    LatQuery,
    LonQuery,
    RadiusQuery,
    to_wgs84,
)
from common.i18n import t


@dataclass(frozen=True)
class NearQuery:
    coord_sys: CoordSys
    near: tuple[float, float, int] | None  # WGS-84 lat, lon and radius in metres


async def near_query(
    lat: LatQuery = None,
    lon: LonQuery = None,
    radius_m: RadiusQuery = 5000,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> NearQuery:
    if (lat is None) != (lon is None):
        raise Unprocessable(t("Give both lat and lon, or neither."), code="incomplete_location")
    if lat is None or lon is None:
        return NearQuery(coord_sys=coord_sys, near=None)
    wlat, wlon = to_wgs84(lat, lon, coord_sys)
    return NearQuery(coord_sys=coord_sys, near=(wlat, wlon, radius_m))


NearDep = Annotated[NearQuery, Depends(near_query)]


class ConflictingCoordSys(Unprocessable, code="conflicting_coord_sys"): ...


def one_coord_sys(query: CoordSys | None, body: CoordSys | None) -> CoordSys:
    """The one system of a write's input and output: the query's or the body's (they must agree
    when both are given), else WGS-84."""
    if query is not None and body is not None and query is not body:
        raise ConflictingCoordSys(
            t(
                "coord_sys is {query} in the query but {body} in the body; one system applies to "
                "the location sent and the one returned.",
                query=query.value,
                body=body.value,
            )
        )
    return query or body or CoordSys.wgs84


OptionalCoordSysQuery = Annotated[
    CoordSys | None,
    Query(description="Coordinate system of input and output coordinates (default wgs84)."),
]
