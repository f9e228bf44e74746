"""Station errors (codes appear in the OpenAPI through the routes' `responses=`)."""

from __future__ import annotations

from common.errors import NotFound, Unprocessable
from common.opening_hours import InvalidHours


class StationNotFound(
    NotFound, code="station_not_found", message="Red Bee Station {id} does not exist."
): ...


class InvalidException(Unprocessable, code="invalid_exception"): ...


__all__ = ["InvalidException", "InvalidHours", "StationNotFound"]
