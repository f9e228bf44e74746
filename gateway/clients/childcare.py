"""The gateway's mirror of childcare's `me/summary` and `stats` (DESIGN §6: the gateway owns a
typed schema of each section), and its client.

Field names and types follow services/childcare/*/schemas.py; the mirror is the gateway's own,
so a change there that breaks the contract shows as an `error` section, not a broken view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from gateway.clients.base import ServiceClient
from gateway.clients.typed import ContractModel, DistrictRow, StatsBase, TypedClient


class ChildcareChild(ContractModel):
    id: int
    name: str
    birth_date: date
    age_months: int
    id_number_masked: str | None = Field(description="e.g. `1501**********1234`; never in clear.")
    created_at: datetime


class ChildcareEnrollmentStatus(StrEnum):
    enrolled = "enrolled"
    waitlisted = "waitlisted"
    offered = "offered"
    declined = "declined"
    withdrawn = "withdrawn"
    expired = "expired"
    ineligible = "ineligible"  # outside the institution's age range by the start date


class ChildcareEnrollment(ContractModel):
    id: int
    child_id: int
    child_name: str
    institution_id: int
    institution_name: str
    status: ChildcareEnrollmentStatus
    start_date: date
    waitlist_position: int | None = Field(description="1 = next to be offered; while waitlisted.")
    offer_expires_at: datetime | None = Field(description="Only while `offered`.")
    applied_at: datetime
    status_changed_at: datetime


class ChildcareSummary(ContractModel):
    """The citizen's children and their enrollments with waitlist positions and offers."""

    children: list[ChildcareChild]
    enrollments: list[ChildcareEnrollment] = Field(description="Newest first, at most 50.")


class ChildcareDistrictStats(DistrictRow):
    institutions: int
    slots: int
    vacancies: int
    population: int | None
    slots_per_1000: float | None
    meets_target: bool | None


class ChildcareStats(StatsBase):
    by_district: Sequence[ChildcareDistrictStats]


ChildcareClient = TypedClient[ChildcareSummary, ChildcareStats]


def childcare_client(transport: ServiceClient) -> ChildcareClient:
    return TypedClient(transport, ChildcareSummary, ChildcareStats)
