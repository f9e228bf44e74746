"""Station errors (codes appear in the OpenAPI through the routes' `responses=`)."""

from __future__ import annotations

from common.errors import NotFound


class StationNotFound(NotFound):
    code = "station_not_found"
