"""HTTP shapes of job postings: `PostingCreate`, `PostingUpdate`, `PostingRead`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.validation import IntegerOnly, PatchBody, patch_field
from services.jobs.fields import Description, Text200, When
from services.jobs.values import PostingStatus

if TYPE_CHECKING:
    from services.jobs.postings.repository import PostingRow


class EducationLevel(StrEnum):
    """In rising order: a posting open to a level is open to everyone above it."""

    none = "none"
    high_school = "high_school"
    vocational = "vocational"
    associate = "associate"
    bachelor = "bachelor"
    master = "master"
    doctorate = "doctorate"

    def and_below(self) -> list[str]:
        levels = list(EducationLevel)
        return [level.value for level in levels[: levels.index(self) + 1]]


class PostingCategory(StrEnum):
    technology = "technology"
    manufacturing = "manufacturing"
    sales_marketing = "sales_marketing"
    finance = "finance"
    education = "education"
    healthcare = "healthcare"
    logistics = "logistics"
    hospitality = "hospitality"
    public_service = "public_service"
    agriculture_food = "agriculture_food"
    energy = "energy"
    construction = "construction"
    administration = "administration"
    other = "other"


SalaryFen = Annotated[
    int, Field(ge=0, le=100_000_000, description="Monthly salary, fen."), IntegerOnly
]
Openings = Annotated[int, Field(ge=1, le=10_000), IntegerOnly]


class PostingCreate(BaseModel):
    """A new posting. `salary_min_fen ≤ salary_max_fen` (`422 invalid_salary_range`);
    `expires_at` after `posted_at` (default: now) (`422 invalid_expiry`)."""

    model_config = ConfigDict(extra="forbid")

    employer: Text200
    title: Text200
    category: PostingCategory
    district: District
    salary_min_fen: SalaryFen
    salary_max_fen: SalaryFen
    education: EducationLevel = Field(description="The minimum education asked for.")
    graduate_friendly: StrictBool = Field(
        False, description="Open to new graduates without work experience (应届生)."
    )
    openings: Openings = 1
    description: Description | None = None
    posted_at: When | None = None
    expires_at: When


class PostingUpdate(PatchBody):
    """Only the fields sent change; `status: closed` takes a posting out of search before it
    expires. `description` may be `null` (cleared)."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"description"})

    employer: Text200 | SkipJsonSchema[None] = patch_field()
    title: Text200 | SkipJsonSchema[None] = patch_field()
    category: PostingCategory | SkipJsonSchema[None] = patch_field()
    district: District | SkipJsonSchema[None] = patch_field()
    salary_min_fen: SalaryFen | SkipJsonSchema[None] = patch_field()
    salary_max_fen: SalaryFen | SkipJsonSchema[None] = patch_field()
    education: EducationLevel | SkipJsonSchema[None] = patch_field()
    graduate_friendly: StrictBool | SkipJsonSchema[None] = patch_field()
    openings: Openings | SkipJsonSchema[None] = patch_field()
    description: Description | None = None
    status: PostingStatus | SkipJsonSchema[None] = patch_field()
    posted_at: When | SkipJsonSchema[None] = patch_field()
    expires_at: When | SkipJsonSchema[None] = patch_field()


class PostingRead(BaseModel):
    id: int
    employer: str
    title: str
    category: PostingCategory
    district: District
    salary_min_fen: int
    salary_max_fen: int
    education: EducationLevel
    graduate_friendly: bool
    openings: int
    description: str | None
    status: PostingStatus
    posted_at: datetime
    expires_at: datetime
    open: bool = Field(description="`status` is open and `expires_at` has not passed.")

    @classmethod
    def of(cls, row: PostingRow, now: datetime) -> PostingRead:
        return cls(
            id=row.id,
            employer=row.employer,
            title=row.title,
            category=PostingCategory(row.category),
            district=District(row.district),
            salary_min_fen=row.salary_min_fen,
            salary_max_fen=row.salary_max_fen,
            education=EducationLevel(row.education),
            graduate_friendly=row.graduate_friendly,
            openings=row.openings,
            description=row.description,
            status=PostingStatus(row.status),
            posted_at=row.posted_at,
            expires_at=row.expires_at,
            open=row.status == PostingStatus.open and row.expires_at > now,
        )
