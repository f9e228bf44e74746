"""The gateway's mirror of eldercare's `me/summary` and `stats` (DESIGN §6: the gateway owns
a typed schema of each section), and its client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from gateway.clients.base import ServiceClient
from gateway.clients.typed import ContractModel, DistrictRow, StatsBase, TypedClient


class ElderRelation(StrEnum):
    self = "self"
    family = "family"


class EldercareElder(ContractModel):
    id: int
    name: str
    relation: ElderRelation
    community_id: int | None
    community_name: str | None
    lives_alone: bool
    age_years: int


class ActivityRegistrationStatus(StrEnum):
    registered = "registered"
    waitlisted = "waitlisted"


class EldercareActivity(ContractModel):
    registration_id: int
    activity_id: int
    title: str
    category: str
    starts_at: datetime
    place: str
    elder_id: int | None
    status: ActivityRegistrationStatus
    waitlist_position: int | None


class ProviderCategory(StrEnum):
    public = "public"
    market = "market"
    social_org = "social_org"
    volunteer = "volunteer"


class CareRequestStatus(StrEnum):
    requested = "requested"
    assigned = "assigned"


class EldercareCareRequest(ContractModel):
    id: int
    elder_id: int
    care_type: str
    provider_category: ProviderCategory
    status: CareRequestStatus
    provider_name: str | None = Field(description="The assigned provider; null until assigned.")
    price_fen: int | None
    requested_at: datetime


class RenovationStatus(StrEnum):
    requested = "requested"
    assessed = "assessed"
    scheduled = "scheduled"


class EldercareRenovation(ContractModel):
    id: int
    elder_id: int
    items: list[str]
    status: RenovationStatus
    scheduled_for: date | None = Field(description="The day the crew comes, once scheduled.")
    requested_at: datetime


class EldercareSummary(ContractModel):
    """Linked elders, upcoming registered activities, open care requests and renovations."""

    elders: list[EldercareElder]
    activities: list[EldercareActivity] = Field(description="Upcoming sessions only.")
    care_requests: list[EldercareCareRequest] = Field(description="Open only.")
    renovations: list[EldercareRenovation] = Field(description="Open only (not completed).")


class EldercareDistrictStats(DistrictRow):
    facilities: int
    communities: int
    communities_covered: int
    circle_coverage: float | None = Field(description="covered / communities, 0–1.")
    activities: int = Field(description="Upcoming sessions.")
    open_care_requests: int


class EldercareStats(StatsBase):
    by_district: Sequence[EldercareDistrictStats]


EldercareClient = TypedClient[EldercareSummary, EldercareStats]


def eldercare_client(transport: ServiceClient) -> EldercareClient:
    return TypedClient(transport, EldercareSummary, EldercareStats)
