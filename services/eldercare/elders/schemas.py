"""HTTP shapes of elder profiles and visits: `ElderCreate`, `ElderRead`, `VisitCreate`, …"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from common.personal_data import mask_address, mask_name, mask_phone
from common.times import BirthDate, CityDateTime
from common.validation import MAX_ID, IntegerOnly, PatchBody, Phone, patch_field
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


Address = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        description="Where carers and renovation crews go: street, building, unit, door.",
    ),
]
CareNeeds = Annotated[list[CareType], Field(max_length=9), AfterValidator(_unique)]


class EmergencyContact(BaseModel):
    """Whom to call when the elder cannot be reached."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=50)]
    phone: Phone
    relation: Annotated[str, Field(min_length=1, max_length=20, description="e.g. 女儿")] | None = (
        None
    )


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
    care_needs: CareNeeds = Field(default_factory=list)
    address: Address | None = None
    phone: Phone | None = None
    emergency_contact: EmergencyContact | None = None
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


class ElderUpdate(PatchBody):
    """A correction of an elder's profile: only the fields sent change, under the rules of
    registration (aged 60 or more, a community that exists). `null` clears `community_id`,
    `address`, `phone` and `emergency_contact`."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"community_id", "address", "phone", "emergency_contact"})

    name: Annotated[str, Field(min_length=1, max_length=50)] | SkipJsonSchema[None] = patch_field()
    birth_date: BirthDate | SkipJsonSchema[None] = patch_field(
        description="The elder must be at least 60 today."
    )
    community_id: CommunityIdIn | None = None
    lives_alone: StrictBool | SkipJsonSchema[None] = patch_field()
    lost_only_child: StrictBool | SkipJsonSchema[None] = patch_field(
        description="The elder's family lost its only child (失独家庭)."
    )
    care_needs: CareNeeds | SkipJsonSchema[None] = patch_field()
    address: Address | None = None
    phone: Phone | None = None
    emergency_contact: EmergencyContact | None = None


class EmergencyContactRead(BaseModel):
    name: str
    phone: str
    relation: str | None


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
    address: str | None = Field(
        description="In full on a read of one profile; masked in lists (`赛罕区人民路街****`)."
    )
    phone: str | None = Field(description="In full on a read of one profile; masked in lists.")
    emergency_contact: EmergencyContactRead | None = Field(
        description="In full on a read of one profile; name and phone masked in lists."
    )
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
        cls,
        row: ElderRow,
        relation: Relation | None,
        today: date,
        *,
        as_staff: bool,
        masked: bool = False,
    ) -> ElderRead:
        """`masked`: a list shows contact details masked; one profile's read shows them whole."""
        contact = None
        if row.emergency_contact_name is not None and row.emergency_contact_phone is not None:
            contact = EmergencyContactRead(
                name=mask_name(row.emergency_contact_name)
                if masked
                else row.emergency_contact_name,
                phone=mask_phone(row.emergency_contact_phone)
                if masked
                else row.emergency_contact_phone,
                relation=row.emergency_contact_relation,
            )
        address, phone = row.address, row.phone
        if masked:
            address = None if address is None else mask_address(address)
            phone = None if phone is None else mask_phone(phone)
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
            address=address,
            phone=phone,
            emergency_contact=contact,
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
