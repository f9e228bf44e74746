"""HTTP shapes of `GET /jobs/v1/stats` and `GET /jobs/v1/me/summary`: what the gateway reads
(DESIGN §6), as its mirror in gateway/clients/jobs.py validates them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from common.districts import District
from services.jobs.fairs.schemas import FairRegistrationRead
from services.jobs.graduates.schemas import RETENTION_TARGET, GraduateRead
from services.jobs.programmes.schemas import ApplicationSummary, ProgrammeKind


class WorkerTypeCounts(BaseModel):
    courier: int = 0
    food_delivery: int = 0
    truck_driver: int = 0
    ride_hailing: int = 0
    other: int = 0


class DistrictStats(BaseModel):
    district: District
    postings: int = Field(description="Open, unexpired postings.")
    fairs: int = Field(description="Upcoming fairs (not over yet).")
    stations: int
    check_ins: int = Field(description="All time.")
    check_ins_by_worker_type: WorkerTypeCounts
    graduates: int = Field(description="Retention registrations incl. the historical counts.")
    awards: int = Field(description="Approved or disbursed applications made in the district.")


class ProgrammeStats(BaseModel):
    id: int
    name: str
    kind: ProgrammeKind
    awards: int
    disbursements: int
    budget_fen: int
    committed_fen: int
    disbursed_fen: int


class Totals(BaseModel):
    postings: int
    fairs: int
    stations: int
    check_ins: int
    check_ins_by_worker_type: WorkerTypeCounts
    graduates: int
    graduates_target: int = RETENTION_TARGET
    awards: int = Field(description="All awards, including those without a district.")
    committed_fen: int
    disbursed_fen: int
    housing_subsidy_recipients: int = Field(
        description="Citizens paid a rent or home-purchase subsidy."
    )


class JobsStats(BaseModel):
    as_of: datetime = Field(
        description=(
            "When these figures last changed (a record written, a posting expired, a fair "
            "ended); live aggregates, so they hold now."
        )
    )
    totals: Totals
    by_district: list[DistrictStats] = Field(description="Every district, in a fixed order.")
    programmes: list[ProgrammeStats]


class MeSummary(BaseModel):
    """The jobs part of the citizen's one-page view."""

    graduate: GraduateRead | None
    applications: list[ApplicationSummary] = Field(description="Newest first, at most 50.")
    fair_registrations: list[FairRegistrationRead] = Field(description="Newest first, at most 50.")
