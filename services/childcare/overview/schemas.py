"""HTTP shapes of the cross-domain reads: the public statistics and the citizen's summary."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from common.districts import District
from services.childcare.children.schemas import ChildRead
from services.childcare.enrollments.schemas import EnrollmentRead
from services.childcare.institutions.schemas import DemonstrationLevel, InstitutionKind
from services.childcare.planning.schemas import PlanProgress

NATIONAL_TARGET_SLOTS_PER_1000 = 4.5


class Totals(BaseModel):
    institutions: int
    slots: int
    enrolled: int
    offered: int
    vacancies: int
    inclusive_institutions: int
    inclusive_share: float = Field(
        description="Share of institutions that are inclusive (普惠), 0–1."
    )
    population: int
    slots_per_1000: float
    target_slots_per_1000: float = NATIONAL_TARGET_SLOTS_PER_1000


class KindStats(BaseModel):
    kind: InstitutionKind
    institutions: int
    slots: int
    vacancies: int


class DistrictStats(BaseModel):
    district: District
    institutions: int
    slots: int
    vacancies: int
    population: int | None
    slots_per_1000: float | None
    meets_target: bool | None


class DemonstrationInstitution(BaseModel):
    id: int
    name: str
    district: District
    level: DemonstrationLevel
    year: int


class DemonstrationGroup(BaseModel):
    level: DemonstrationLevel
    year: int
    institutions: int


class DemonstrationStats(BaseModel):
    total: int
    by_level_year: list[DemonstrationGroup]
    institutions: list[DemonstrationInstitution]


class ChildcareStats(BaseModel):
    as_of: datetime = Field(
        description=(
            "When these figures last changed (the latest change of an institution, a district "
            "population or a plan project); live aggregates, so they hold now."
        )
    )
    totals: Totals
    by_kind: list[KindStats]
    by_district: list[DistrictStats]
    demonstration: DemonstrationStats
    plans: list[PlanProgress]


class MeSummary(BaseModel):
    """The childcare part of the citizen's one-page view."""

    children: list[ChildRead]
    enrollments: list[EnrollmentRead] = Field(description="Newest first, at most 50.")
