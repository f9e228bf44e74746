"""HTTP shapes of children: `ChildCreate`, `ChildRead`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ChildCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=50)]
    birth_date: date
    id_number: Annotated[
        str | None,
        Field(
            max_length=18,
            description="Optional 18-character national ID; stored only as keyed hash + mask.",
        ),
    ] = None


class ChildRead(BaseModel):
    id: int
    name: str
    birth_date: date
    age_months: int = Field(description="Age today (Asia/Shanghai), in completed months.")
    id_number_masked: str | None = Field(description="e.g. `1501**********1234`; never in clear.")
    created_at: datetime
