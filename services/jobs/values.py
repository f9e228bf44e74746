"""The statuses of the jobs records, in one place each: the models build their CHECKs from these
enums, the schemas answer with them, and each lifecycle's table names exactly their values
(`common.lifecycle.Lifecycle` refuses one that does not; `tests/contract/test_statuses.py` ties
the three together)."""

from __future__ import annotations

from enum import StrEnum


class PostingStatus(StrEnum):
    open = "open"
    closed = "closed"


class RegistrationStatus(StrEnum):
    registered = "registered"
    cancelled = "cancelled"


class ApplicationStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    disbursed = "disbursed"
    withdrawn = "withdrawn"


# the statuses that hold an award (the budget is committed)
AWARDED_STATUSES = (ApplicationStatus.approved.value, ApplicationStatus.disbursed.value)
# the statuses that no longer count as the citizen's application to a programme (they may apply
# again)
CLOSED_STATUSES = (ApplicationStatus.rejected.value, ApplicationStatus.withdrawn.value)
