"""HTTP shapes of graduate registrations and retention progress."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.times import IsoDate
from common.validation import PatchBody, patch_field
from services.jobs.fields import Text200

if TYPE_CHECKING:
    from services.jobs.graduates.repository import GraduateRow

RETENTION_TARGET = 100_000


class Degree(StrEnum):
    associate = "associate"
    bachelor = "bachelor"
    master = "master"
    doctorate = "doctorate"


class Retention(StrEnum):
    """stayed 留呼 (studied here, stayed), returned 回呼 (from here, came back), came 来呼."""

    stayed = "stayed"
    returned = "returned"
    came = "came"


class EmploymentStatus(StrEnum):
    employed = "employed"
    self_employed = "self_employed"
    starting_business = "starting_business"
    seeking = "seeking"
    further_study = "further_study"


class GraduateCreate(BaseModel):
    """Your registration in the retention programme, once. `graduation_date` from 1950 to a
    year from today (`422 graduation_date_out_of_range`)."""

    model_config = ConfigDict(extra="forbid")

    university: Text200
    degree: Degree
    graduation_date: IsoDate
    retention: Retention
    employment_status: EmploymentStatus
    district: District = Field(description="Where you work or run your business.")


class GraduateUpdate(PatchBody):
    """What changes after registering: your employment and where you work."""

    model_config = ConfigDict(extra="forbid")

    employment_status: EmploymentStatus | SkipJsonSchema[None] = patch_field()
    district: District | SkipJsonSchema[None] = patch_field()


class GraduateRead(BaseModel):
    id: int
    university: str
    degree: Degree
    graduation_date: date
    retention: Retention
    employment_status: EmploymentStatus
    district: District
    registered_at: datetime

    @classmethod
    def of(cls, row: GraduateRow) -> GraduateRead:
        return cls(
            id=row.id,
            university=row.university,
            degree=Degree(row.degree),
            graduation_date=row.graduation_date,
            retention=Retention(row.retention),
            employment_status=EmploymentStatus(row.employment_status),
            district=District(row.district),
            registered_at=row.registered_at,
        )


class RetentionCount(BaseModel):
    retention: Retention
    graduates: int


class YearProgress(BaseModel):
    year: int
    stayed: int
    returned: int
    came: int
    total: int
    historical: int = Field(description="From reported counts (e.g. the end-November 2022 figure).")
    registered: int = Field(description="Registered one by one through this service that year.")


class HistoricalCount(BaseModel):
    year: int
    as_of_date: date
    graduates: int
    source: str


class RetentionProgress(BaseModel):
    target: int = RETENTION_TARGET
    total: int
    progress: float = Field(description="total / target, 0–1 (may pass 1).")
    by_retention: list[RetentionCount]
    by_year: list[YearProgress] = Field(description="Registrations counted in the city's year.")
    historical: list[HistoricalCount]
    as_of: datetime = Field(
        description="When these figures last changed (the latest registration or report)."
    )
