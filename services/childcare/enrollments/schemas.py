"""HTTP shapes of enrollments, rosters and the citizen's childcare summary."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from services.childcare.children.schemas import ChildRead


class EnrollmentStatus(StrEnum):
    enrolled = "enrolled"
    waitlisted = "waitlisted"
    offered = "offered"
    declined = "declined"
    withdrawn = "withdrawn"
    expired = "expired"


class EnrollmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    child_id: Annotated[StrictInt, Field(ge=1, le=2**62)]
    institution_id: Annotated[StrictInt, Field(ge=1, le=2**62)]
    start_date: date


class EnrollmentRead(BaseModel):
    id: int
    child_id: int
    child_name: str
    institution_id: int
    institution_name: str
    status: EnrollmentStatus
    start_date: date
    waitlist_position: int | None = Field(
        description="1 = next to be offered a place; only while `waitlisted`."
    )
    offer_expires_at: datetime | None = Field(description="Only while `offered`.")
    applied_at: datetime
    status_changed_at: datetime


class RosterEntry(BaseModel):
    enrollment_id: int
    child_id: int
    child_name: str
    age_months: int
    id_number_masked: str | None
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


class MeSummary(BaseModel):
    """The childcare part of the citizen's one-page view."""

    children: list[ChildRead]
    enrollments: list[EnrollmentRead] = Field(description="Newest first, at most 50.")
