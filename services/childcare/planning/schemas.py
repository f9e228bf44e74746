"""HTTP shapes of district reference data and capacity plans."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.geo import Location
from common.validation import IntegerOnly, PatchBody, patch_field
from services.childcare.institutions.schemas import InstitutionKind
from services.childcare.values import ProjectStatus


class PlanCategory(StrEnum):
    public = "public"
    community = "community"
    private = "private"


class StatusCount(BaseModel):
    status: ProjectStatus
    projects: int
    slots: int


class CategoryCount(BaseModel):
    category: PlanCategory
    projects: int
    slots: int
    opened_projects: int
    opened_slots: int


class PlanProgress(BaseModel):
    year: int
    title: str
    target_institutions: int
    target_slots: int
    opened_institutions: int
    opened_slots: int
    share_opened: float = Field(description="Opened slots / target slots, 0–1.")
    by_status: list[StatusCount]
    by_category: list[CategoryCount]


class PlanProjectRead(BaseModel):
    id: int
    plan_year: int
    name: str
    district: District
    address: str
    location: Location
    category: PlanCategory
    kind: InstitutionKind
    planned_slots: int
    status: ProjectStatus
    institution_id: int | None
    updated_at: datetime


class PlanRead(PlanProgress):
    projects: list[PlanProjectRead]


class PlanList(BaseModel):
    items: list[PlanProgress]
    next_cursor: str | None = None


class PlanProjectUpdate(PatchBody):
    """Moves a project forward; when it opens, the optional fields describe its institution."""

    model_config = ConfigDict(extra="forbid")

    status: ProjectStatus
    monthly_fee_fen: (
        Annotated[int, Field(ge=0, le=10_000_000), IntegerOnly] | SkipJsonSchema[None]
    ) = patch_field()
    min_age_months: Annotated[int, Field(ge=0, le=36), IntegerOnly] | SkipJsonSchema[None] = (
        patch_field()
    )
    max_age_months: Annotated[int, Field(ge=0, le=36), IntegerOnly] | SkipJsonSchema[None] = (
        patch_field()
    )
    opening_hours: Annotated[str, Field(min_length=1, max_length=100)] | SkipJsonSchema[None] = (
        patch_field()
    )
    phone: Annotated[str, Field(min_length=1, max_length=30)] | SkipJsonSchema[None] = patch_field()


class PopulationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # a 旗县区 of Hohhot has from about 90,000 to about 1,000,000 residents: a figure outside
    # 1,000–10,000,000 is a typo, and one would make slots per 1,000 meaningless
    population: Annotated[int, Field(ge=1_000, le=10_000_000), IntegerOnly]
    source: Annotated[str, Field(min_length=1, max_length=200)]


class DistrictPopulationRead(BaseModel):
    district: District
    population: int
    source: str
    updated_at: datetime
