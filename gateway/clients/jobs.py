"""The gateway's mirror of jobs' `me/summary` and `stats` (DESIGN §6: the gateway owns a typed
schema of each section), and its client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from common.districts import District
from gateway.clients.base import ServiceClient
from gateway.clients.typed import ContractModel, DistrictRow, StatsBase, TypedClient


class Degree(StrEnum):
    associate = "associate"
    bachelor = "bachelor"
    master = "master"
    doctorate = "doctorate"


class Retention(StrEnum):
    stayed = "stayed"
    returned = "returned"
    came = "came"


class EmploymentStatus(StrEnum):
    employed = "employed"
    self_employed = "self_employed"
    starting_business = "starting_business"
    seeking = "seeking"
    further_study = "further_study"


class JobsGraduate(ContractModel):
    id: int
    university: str
    degree: Degree
    graduation_date: date
    retention: Retention = Field(description="stayed 留呼 | returned 回呼 | came 来呼")
    employment_status: EmploymentStatus
    district: District
    registered_at: datetime


class ApplicationStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    disbursed = "disbursed"
    withdrawn = "withdrawn"


class JobsApplication(ContractModel):
    id: int
    programme_id: int
    programme_name: str
    status: ApplicationStatus
    amount_fen: int | None
    applied_at: datetime
    decided_at: datetime | None
    decision_note: str | None
    payment_reference: str | None


class FairRegistrationStatus(StrEnum):
    registered = "registered"
    cancelled = "cancelled"


class JobsFairRegistration(ContractModel):
    id: int
    fair_id: int
    fair_name: str
    starts_at: datetime
    venue: str
    status: FairRegistrationStatus
    registered_at: datetime


class JobsSummary(ContractModel):
    """The citizen's graduate registration, support applications and job-fair registrations."""

    graduate: JobsGraduate | None
    applications: list[JobsApplication] = Field(description="Newest first, at most 50.")
    fair_registrations: list[JobsFairRegistration] = Field(description="Newest first, at most 50.")


class JobsDistrictStats(DistrictRow):
    postings: int = Field(description="Open, unexpired postings.")
    fairs: int = Field(description="Upcoming fairs.")
    stations: int
    check_ins: int = Field(description="All time.")
    graduates: int = Field(description="Retention registrations incl. the historical aggregate.")
    awards: int = Field(description="Approved or disbursed applications.")


class JobsStats(StatsBase):
    by_district: Sequence[JobsDistrictStats]


JobsClient = TypedClient[JobsSummary, JobsStats]


def jobs_client(transport: ServiceClient) -> JobsClient:
    return TypedClient(transport, JobsSummary, JobsStats)
