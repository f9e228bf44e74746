"""HTTP shapes of elder profiles and visits: `ElderCreate`, `ElderRead`, `VisitCreate`, …"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from common.times import BirthDate, CityDateTime
from common.validation import MAX_ID, IntegerOnly
from services.eldercare.elders.ages import age_years

if TYPE_CHECKING:
    from services.eldercare.elders.repository import ElderRow


class CareType(StrEnum):
    meal = "meal"
    cleaning = "cleaning"
    health_check = "health_check"
    companionship = "companionship"
    psychological_support = "psychological_support"
    day_care = "day_care"
    bathing = "bathing"
    medical_escort = "medical_escort"
    rehabilitation = "rehabilitation"


class ActingAs(StrEnum):
    self = "self"
    family = "family"
    staff = "staff"


class Relation(StrEnum):
    """How the caller relates to the elder: the elder themself, or linked family."""

    self = "self"
    family = "family"


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


# no white space, the same characters for ECMAScript (clients, the OpenAPI) and the server's
# regex engine: they disagree on U+0085 and U+FEFF, named here for both
CitizenId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s\u0085\ufeff]+$")]
CommunityIdIn = Annotated[int, Field(ge=1, le=MAX_ID), IntegerOnly]


class ElderCreate(BaseModel):
    """A new elder profile. `acting_as` says who the caller is for the elder: `self` (the
    caller is the elder), `family` (default for a citizen: the caller is linked as family) or
    `staff` (default for eldercare staff); it must be a role the token holds."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=50)]
    birth_date: BirthDate = Field(description="The elder must be at least 60 today.")
    id_number: Annotated[
        str | None,
        Field(
            min_length=18,
            max_length=18,
            description="Optional 18-character national ID; stored only as keyed hash + mask.",
        ),
    ] = None
    community_id: CommunityIdIn | None = None
    lives_alone: StrictBool = False
    lost_only_child: StrictBool = Field(
        False, description="The elder's family lost its only child (失独家庭)."
    )
    care_needs: Annotated[list[CareType], Field(max_length=9), AfterValidator(_unique)] = Field(
        default_factory=list
    )
    acting_as: ActingAs | None = None
    family_citizen_ids: Annotated[
        list[CitizenId], Field(max_length=10), AfterValidator(_unique)
    ] = Field(
        default_factory=list,
        description="Citizen ids of family members who may read the profile and act for the "
        "elder (a family member creating the profile is linked anyway).",
    )
    elder_citizen_id: CitizenId | None = Field(
        None, description="The elder's own citizen id, if they have an account (staff only)."
    )


class ElderRead(BaseModel):
    id: int
    name: str
    birth_date: date
    age_years: int = Field(description="Age today (Asia/Shanghai), in completed years.")
    id_number_masked: str | None = Field(description="e.g. `1501**********1234`; never in clear.")
    community_id: int | None
    community_name: str | None
    lives_alone: bool
    lost_only_child: bool
    care_needs: list[CareType]
    relation: Relation | None = Field(
        description="You are the elder (`self`) or linked family; null when read as staff."
    )
    created_by: ActingAs = Field(description="Who registered the profile, acting for the elder.")
    family_citizen_ids: list[str]
    last_visited_at: datetime | None = Field(description="The latest completed staff visit.")
    suspected_duplicate: bool | None = Field(
        description="Staff only: another profile carries the same national ID."
    )
    created_at: datetime

    @classmethod
    def of(
        cls, row: ElderRow, relation: Relation | None, today: date, *, as_staff: bool
    ) -> ElderRead:
        return cls(
            id=row.id,
            name=row.name,
            birth_date=row.birth_date,
            age_years=age_years(row.birth_date, today),
            id_number_masked=row.id_number_masked,
            community_id=row.community_id,
            community_name=row.community_name,
            lives_alone=row.lives_alone,
            lost_only_child=row.lost_only_child,
            care_needs=[CareType(n) for n in row.care_needs],
            relation=relation,
            created_by=ActingAs(row.created_by_role),
            family_citizen_ids=list(row.family_citizen_ids),
            last_visited_at=row.last_visited_at,
            suspected_duplicate=row.suspected_duplicate if as_staff else None,
            created_at=row.created_at,
        )


class VisitOutcome(StrEnum):
    completed = "completed"
    missed = "missed"


class MissedReason(StrEnum):
    not_home = "not_home"
    refused = "refused"
    in_hospital = "in_hospital"
    moved = "moved"
    other = "other"


class VisitCreate(BaseModel):
    """A staff visit. `missed_reason` is required when `outcome` is `missed` and refused
    otherwise (`422 missed_reason_mismatch`); `visited_at` defaults to now and may not lie in
    the future (`422 visit_in_future`)."""

    model_config = ConfigDict(extra="forbid")

    visited_at: CityDateTime | None = None
    visitor_name: Annotated[str, Field(min_length=1, max_length=50)]
    outcome: VisitOutcome
    missed_reason: MissedReason | None = None
    notes: Annotated[str, Field(max_length=500)] = ""


class VisitRead(BaseModel):
    id: int
    elder_id: int
    visited_at: datetime
    visitor_sub: str
    visitor_name: str
    outcome: VisitOutcome
    missed_reason: MissedReason | None
    notes: str
    created_at: datetime


class AtRiskReason(StrEnum):
    aged_living_alone = "aged_living_alone"
    lost_only_child = "lost_only_child"


class AtRiskElder(BaseModel):
    elder_id: int
    name: str
    age_years: int
    community_id: int | None
    community_name: str | None
    district: str | None
    reasons: list[AtRiskReason]
    last_visited_at: datetime | None
    days_since_visit: int | None = Field(description="Null: never visited.")
    overdue: bool = Field(description="Never visited, or longer ago than the visit interval.")
