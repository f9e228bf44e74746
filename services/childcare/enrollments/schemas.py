"""HTTP shapes of enrollments, rosters and the citizen's childcare summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from common.times import PlannedDate
from common.validation import MAX_ID, IntegerOnly
from services.childcare.values import EnrollmentStatus

if TYPE_CHECKING:
    from services.childcare.enrollments.repository import EnrollmentRow


class EnrollmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    child_id: Annotated[int, Field(ge=1, le=MAX_ID), IntegerOnly]
    institution_id: Annotated[int, Field(ge=1, le=MAX_ID), IntegerOnly]
    start_date: PlannedDate = Field(description="Today or later (Asia/Shanghai).")


class EnrollmentRead(BaseModel):
    id: int
    child_id: int
    child_name: str
    institution_id: int
    institution_name: str
    status: EnrollmentStatus = Field(
        description=(
            "`ineligible`: when a place came up the child was outside the institution's age "
            "range on the start date, so the place went to the next child."
        )
    )
    start_date: date = Field(
        description="When the place starts; an offer made after this date carries the next one."
    )
    waitlist_position: int | None = Field(
        description="1 = next to be offered a place; only while `waitlisted`."
    )
    offer_expires_at: datetime | None = Field(description="Only while `offered`.")
    applied_at: datetime
    status_changed_at: datetime

    @classmethod
    def of(cls, row: EnrollmentRow) -> EnrollmentRead:
        return cls(
            id=row.id,
            child_id=row.child_id,
            child_name=row.child_name,
            institution_id=row.institution_id,
            institution_name=row.institution_name,
            status=EnrollmentStatus(row.status),
            start_date=row.start_date,
            waitlist_position=row.waitlist_position,
            offer_expires_at=row.offer_expires_at,
            applied_at=row.applied_at,
            status_changed_at=row.status_changed_at,
        )


class RosterEntry(BaseModel):
    enrollment_id: int
    child_id: int
    child_name: str
    age_months: int
    id_number_masked: str | None
    suspected_duplicate: bool = Field(
        description=(
            "Another guardian registered a child with the same national ID: the same child, or "
            "a mistake; staff resolve it. Such a child is never given two places."
        )
    )
    status: EnrollmentStatus
    start_date: date
    waitlist_position: int | None
    offer_expires_at: datetime | None
    applied_at: datetime


class Roster(BaseModel):
    institution_id: int
    capacity: int
    enrolled: list[RosterEntry]
    offered: list[RosterEntry]
    waitlisted: list[RosterEntry] = Field(description="In waitlist order (position 1 first).")
