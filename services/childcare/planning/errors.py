"""Planning errors."""

from __future__ import annotations

from common.errors import NotFound


class PlanNotFound(NotFound, code="plan_not_found"): ...


class PlanProjectNotFound(
    NotFound, code="plan_project_not_found", message="Plan project {id} does not exist."
): ...


class DistrictNotFound(NotFound, code="district_not_found"): ...
