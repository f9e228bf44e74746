"""Field types and small conversions the jobs domains share."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from common.clock import CITY_TZ
from common.times import CityDateTime

Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Text300 = Annotated[str, Field(min_length=1, max_length=300)]
Description = Annotated[str, Field(max_length=2000)]
When = CityDateTime


def aware(moment: datetime) -> datetime:
    """A time sent without an offset is the city's local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CITY_TZ)


def from_jsonb(value: Any) -> Any:
    """asyncpg hands `jsonb` over as text on the read path; a SQLAlchemy session has parsed it."""
    return json.loads(value) if isinstance(value, str) else value
