"""The statuses of the childcare records, in one place each: the models build their CHECKs from
these enums, the schemas answer with them, and each lifecycle's table names exactly their values
(`common.lifecycle.Lifecycle` refuses one that does not; `tests/contract/test_statuses.py` ties
the three together)."""

from __future__ import annotations

from enum import StrEnum


class EnrollmentStatus(StrEnum):
    enrolled = "enrolled"
    waitlisted = "waitlisted"
    offered = "offered"
    declined = "declined"
    withdrawn = "withdrawn"
    expired = "expired"
    ineligible = "ineligible"


# the statuses that hold or wait for a place
ACTIVE_STATUSES = (
    EnrollmentStatus.waitlisted.value,
    EnrollmentStatus.offered.value,
    EnrollmentStatus.enrolled.value,
)


class ProjectStatus(StrEnum):
    planned = "planned"
    under_construction = "under_construction"
    opened = "opened"
