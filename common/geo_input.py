"""A location in a staff write: the point as sent and the system it is in (DESIGN §2: one
`coord_sys` for a write's input and its answer; `common.geo_query.one_coord_sys` reconciles the
query's and the body's)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from common.geo import CoordSys


class PointIn(BaseModel):
    """A point in the request's `coord_sys`; stored as WGS-84."""

    model_config = ConfigDict(extra="forbid")

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


BodyCoordSys = Annotated[
    CoordSys | SkipJsonSchema[None],
    Field(
        description=(
            "System of `location` and of the answer (default `wgs84`). The query's `coord_sys` "
            "may be used instead; giving both with different values is `422 "
            "conflicting_coord_sys`."
        ),
    ),
]
