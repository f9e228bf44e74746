"""Institution errors (codes appear in the OpenAPI through the routes' `responses=`)."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class InstitutionNotFound(
    NotFound, code="institution_not_found", message="Institution {id} does not exist."
): ...


class CapacityBelowTaken(Conflict, code="capacity_below_taken"): ...


class InvalidAgeRange(Unprocessable, code="invalid_age_range"): ...
