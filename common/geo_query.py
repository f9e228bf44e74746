"""Nearby search (DESIGN §2): the query parameters as one dependency, and its keyset SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import ColumnElement, Float, Select, func, literal, select, tuple_

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


def keyset_select(
    entity: Any,
    *,
    earth_loc: Any,
    id_col: Any,
    conditions: list[ColumnElement[bool]],
    near: tuple[float, float, int] | None,
    after: list[Any] | None,
    limit: int,
) -> Select[Any]:
    """`SELECT entity, distance_m, sort_key` for one keyset page, by id or nearest first.

    Nearby uses the table's computed `earth_loc` column and its GiST index: the KNN operator
    `<->` walks the index in distance order and `earth_box @>` lets it prune by radius (measured
    here ~1.6x cheaper than earth_box plus a sort); the exact great-circle distance filters.
    The sort key is (id) or (chord distance, id), which is what a cursor stores.
    """
    where = list(conditions)
    if near is None:
        if after:
            where.append(id_col > int(after[0]))
        return (
            select(entity, literal(None, Float), literal(None, Float))
            .where(*where)
            .order_by(id_col)
            .limit(limit)
        )
    lat, lon, radius = near
    centre = func.public.ll_to_earth(literal(lat, Float), literal(lon, Float))
    knn = earth_loc.op("<->", return_type=Float)(centre)
    distance = func.public.earth_distance(earth_loc, centre, type_=Float)
    where.append(func.public.earth_box(centre, radius).op("@>")(earth_loc))
    where.append(distance <= radius)
    if after:
        where.append(tuple_(knn, id_col) > tuple_(float(after[0]), int(after[1])))
    return select(entity, distance, knn).where(*where).order_by(knn, id_col).limit(limit)
