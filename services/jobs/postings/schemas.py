"""HTTP shapes of job postings: `PostingCreate`, `PostingUpdate`, `PostingRead`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.geo import CoordSys, Location
from common.geo_input import BodyCoordSys, PointIn
from common.validation import IntegerOnly, PatchBody, Phone, patch_field
from services.jobs.fields import Description, Text200, Text300, When, optional_location
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


# no white space, the same characters for ECMAScript (clients, the OpenAPI) and the server's
# regex engine: they disagree on U+0085 and U+FEFF, named here for both
_NO_SPACE = r"[^@\s\u0085\ufeff]"
_EMAIL = rf"^{_NO_SPACE}+@{_NO_SPACE}+\.{_NO_SPACE}+$"
HowToApply = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        description="What a seeker does to apply: where to send a CV, when to come, what to bring.",
    ),
]
ApplyUrl = Annotated[
    str,
    Field(
        max_length=500,
        pattern=r"^https?://[^\s\u0085\ufeff]+$",
        description="An online application form.",
    ),
]
PostingAddress = Annotated[Text300, Field(description="Where the work is.")]
PostingLocation = Annotated[
    PointIn,
    Field(description="The workplace as a map point, inside `district`; in `coord_sys`."),
]


class PostingContact(BaseModel):
    """Whom a seeker asks about the posting."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=50, description="e.g. 王女士")] | None = (
        None
    )
    phone: Phone | None = None
    email: Annotated[str, Field(max_length=200, pattern=_EMAIL)] | None = None


class PostingContactRead(BaseModel):
    name: str | None
    phone: str | None
    email: str | None


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
    contact: PostingContact | None = None
    how_to_apply: HowToApply | None = None
    apply_url: ApplyUrl | None = None
    address: PostingAddress | None = None
    location: PostingLocation | None = None
    coord_sys: BodyCoordSys = None
    posted_at: When | None = None
    expires_at: When


class PostingUpdate(PatchBody):
    """Only the fields sent change; `status: closed` takes a posting out of search before it
    expires. `description`, `contact`, `how_to_apply`, `apply_url`, `address` and `location`
    may be `null` (cleared)."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset(
        {
            "description",
            "contact",
            "how_to_apply",
            "apply_url",
            "address",
            "location",
            "coord_sys",
        }
    )

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
    contact: PostingContact | None = None
    how_to_apply: HowToApply | None = None
    apply_url: ApplyUrl | None = None
    address: PostingAddress | None = None
    location: PostingLocation | None = None
    coord_sys: BodyCoordSys = None
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
    contact: PostingContactRead | None = Field(description="Whom to ask; null when not given.")
    how_to_apply: str | None
    apply_url: str | None = Field(description="An online application form, when there is one.")
    address: str | None = Field(description="Where the work is.")
    location: Location | None = Field(
        description="The workplace as a map point, in the requested `coord_sys`."
    )
    status: PostingStatus
    posted_at: datetime
    expires_at: datetime
    open: bool = Field(description="`status` is open and `expires_at` has not passed.")

    @classmethod
    def of(
        cls, row: PostingRow, now: datetime, coord_sys: CoordSys = CoordSys.wgs84
    ) -> PostingRead:
        contact = None
        if row.contact_name or row.contact_phone or row.contact_email:
            contact = PostingContactRead(
                name=row.contact_name, phone=row.contact_phone, email=row.contact_email
            )
        location = optional_location(row.lat, row.lon, coord_sys)
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
            contact=contact,
            how_to_apply=row.how_to_apply,
            apply_url=row.apply_url,
            address=row.address,
            location=location,
            status=PostingStatus(row.status),
            posted_at=row.posted_at,
            expires_at=row.expires_at,
            open=row.status == PostingStatus.open and row.expires_at > now,
        )
