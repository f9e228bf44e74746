"""HTTP shapes of care requests and renovations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from common.times import PlannedDate
from common.validation import MAX_ID, IntegerOnly, PatchBody, patch_field
from services.eldercare.elders.schemas import CareType
from services.eldercare.values import CareStatus, RenovationStatus

if TYPE_CHECKING:
    from services.eldercare.care.repository import CareRequestRow, EventRow, RenovationRow


class ProviderCategory(StrEnum):
    """The 2+X+N structure: community public services, paid market services (priced),
    social-organisation services, volunteer services."""

    public = "public"
    market = "market"
    social_org = "social_org"
    volunteer = "volunteer"


ElderIdIn = Annotated[int, Field(ge=1, le=MAX_ID), IntegerOnly]
Note = Annotated[str, Field(max_length=500)]
Fen = Annotated[int, Field(ge=0, le=100_000_000, description="Price in fen."), IntegerOnly]


class CareRequestCreate(BaseModel):
    """Care for an elder you are (or act for), or any elder (staff, audited)."""

    model_config = ConfigDict(extra="forbid")

    elder_id: ElderIdIn
    care_type: CareType
    provider_category: ProviderCategory = ProviderCategory.public
    details: Note = ""
    preferred_date: PlannedDate | None = Field(
        None, description="Today or later (`422 date_in_past`)."
    )


class CareAssign(BaseModel):
    """Staff assign a provider. `price_fen` is required for a `market` provider and refused
    for any other (`422 price_required_for_market` / `price_only_for_market`)."""

    model_config = ConfigDict(extra="forbid")

    provider_name: Annotated[str, Field(min_length=1, max_length=200)]
    provider_category: ProviderCategory | None = Field(
        None, description="Changes the category asked for (default: keep it)."
    )
    price_fen: Fen | None = None
    note: Note = ""


class CareMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note = ""


class CareEvent(BaseModel):
    from_status: CareStatus | None = Field(description="Null for the request itself.")
    to_status: CareStatus
    actor_role: str = Field(description="`citizen` or `staff`.")
    note: str
    at: datetime

    @classmethod
    def of(cls, row: EventRow) -> CareEvent:
        return cls(
            from_status=None if row.from_status is None else CareStatus(row.from_status),
            to_status=CareStatus(row.to_status),
            actor_role=row.actor_role,
            note=row.note,
            at=row.at,
        )


class CareRequestRead(BaseModel):
    id: int
    elder_id: int
    elder_name: str
    care_type: CareType
    provider_category: ProviderCategory
    details: str
    preferred_date: date | None
    provider_name: str | None
    price_fen: int | None
    status: CareStatus
    requested_at: datetime
    assigned_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    status_changed_at: datetime

    @classmethod
    def of(cls, row: CareRequestRow) -> CareRequestRead:
        return cls.model_validate(row, from_attributes=True)


class CareRequestDetail(CareRequestRead):
    history: list[CareEvent] = Field(description="Every move, oldest first.")


class RenovationItem(StrEnum):
    handrails = "handrails"
    ramp = "ramp"
    bathroom = "bathroom"
    lighting = "lighting"
    anti_slip_flooring = "anti_slip_flooring"
    washbasin = "washbasin"
    stairs = "stairs"
    emergency_call = "emergency_call"


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


Items = Annotated[list[RenovationItem], Field(min_length=1, max_length=8), AfterValidator(_unique)]


class RenovationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    elder_id: ElderIdIn
    items: Items
    details: Note = ""


class RenovationAssess(BaseModel):
    """What the assessment found: any of the items (replacing the list asked for), the
    estimated cost and a note."""

    model_config = ConfigDict(extra="forbid")

    items: Items | None = None
    estimated_cost_fen: Fen | None = None
    assessment_note: Note | None = None


class RenovationSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduled_for: PlannedDate = Field(description="The day of the works, today or later.")


class RenovationUpdate(PatchBody):
    """The older form of the moves (`POST …/assess`, `…/schedule`, `…/complete`, `…/cancel`
    say the same one step each), kept for clients built on it. A citizen may only send
    `{"status": "cancelled"}` (`403 staff_only` otherwise). Staff move `requested` →
    `assessed` → `scheduled` → `completed` one step at a time (`409 invalid_transition`
    otherwise); `scheduled` needs a `scheduled_for` date, today or later."""

    model_config = ConfigDict(extra="forbid")

    status: RenovationStatus | SkipJsonSchema[None] = patch_field()
    items: Items | SkipJsonSchema[None] = patch_field()
    estimated_cost_fen: Fen | SkipJsonSchema[None] = patch_field()
    assessment_note: Note | SkipJsonSchema[None] = patch_field()
    scheduled_for: PlannedDate | SkipJsonSchema[None] = patch_field()


class RenovationRead(BaseModel):
    id: int
    elder_id: int
    elder_name: str
    items: list[RenovationItem]
    details: str
    status: RenovationStatus
    estimated_cost_fen: int | None
    assessment_note: str | None
    scheduled_for: date | None = Field(description="The day the works are planned.")
    requested_at: datetime
    assessed_at: datetime | None
    scheduled_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    status_changed_at: datetime

    @classmethod
    def of(cls, row: RenovationRow) -> RenovationRead:
        return cls.model_validate(row, from_attributes=True)
