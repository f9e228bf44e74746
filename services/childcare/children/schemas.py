"""HTTP shapes of children: `ChildCreate`, `ChildRead`."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from common.times import BirthDate
from common.validation import PatchBody, patch_field
from services.childcare.children.ages import months_between

if TYPE_CHECKING:
    from services.childcare.children.repository import ChildRow


class ChildCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=50)]
    birth_date: BirthDate = Field(description="The child must be 0–36 months old today.")
    id_number: Annotated[
        str | None,
        Field(
            min_length=18,
            max_length=18,
            description="Optional 18-character national ID; stored only as keyed hash + mask.",
        ),
    ] = None


class ChildUpdate(PatchBody):
    """A correction of a child's record: only the fields sent change, under the rules of
    registration. `id_number: null` removes the national ID."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"id_number"})

    name: Annotated[str, Field(min_length=1, max_length=50)] | SkipJsonSchema[None] = patch_field()
    birth_date: BirthDate | SkipJsonSchema[None] = patch_field(
        description="The child must be 0–36 months old today and stay inside the age range of "
        "every institution the child has an active application to, on its start date."
    )
    id_number: Annotated[
        str | None,
        Field(
            min_length=18,
            max_length=18,
            description="18-character national ID (stored only as keyed hash + mask); `null` "
            "removes it. Cannot change while the child has an active application.",
        ),
    ] = None


class ChildRead(BaseModel):
    id: int
    name: str
    birth_date: date
    age_months: int = Field(description="Age today (Asia/Shanghai), in completed months.")
    id_number_masked: str | None = Field(description="e.g. `1501**********1234`; never in clear.")
    created_at: datetime

    @classmethod
    def of(cls, row: ChildRow, today: date) -> ChildRead:
        return cls(
            id=row.id,
            name=row.name,
            birth_date=row.birth_date,
            age_months=max(0, months_between(row.birth_date, today)),
            id_number_masked=row.id_number_masked,
            created_at=row.created_at,
        )
